/**
 * Sessions and their turns in the database: create, read, end, expiry and retention, and whether the
 * store answers at all (a background check, so a dead database is refused at once, not waited for).
 */
package com.callcenter.lisa.session;
