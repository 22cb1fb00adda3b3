-- A HOT update (V16) puts the row's new version in the same page, so the page needs room for it: new session pages are
-- filled to 75 % only. A session row is small (hundreds of bytes), so a quarter of a page holds several versions until
-- PostgreSQL prunes the dead ones, which it does in place when a page runs out of room.
alter table session set (fillfactor = 75);
