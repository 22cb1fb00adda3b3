-- Lisa's reply as Gemini sent it: the model content of the turn as JSON ({"role": "model", "parts": [...]}),
-- with each part's thoughtSignature, function call and text, and without thought text (a thought part that
-- carries a signature keeps only the signature). Sent back unchanged in later requests, because Gemini 3
-- asks for its signatures back. Never shown to the app: the reply column is what the customer saw.
-- Null for turns stored before this column existed and for replies replaced by the fallback line: those
-- go back to Gemini as their text. Wider than reply: JSON escapes and signatures add to the text.
alter table turn add column model_parts varchar(4000000);
