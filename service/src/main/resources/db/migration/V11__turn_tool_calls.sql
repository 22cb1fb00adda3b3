-- The tools Lisa called in a turn (Gemini function calling), in call order, as a JSON array of
-- {"name", "args", "status" (ok|error|timeout|invalid_arguments|unknown_tool), "result",
-- "durationMs"}: shown in the session view as the assistant message's toolCalls. Null when no tool was
-- called. Never holds the tools' URLs or headers. The contents of the turn's tool rounds (the model's
-- call parts with their signatures, the function responses) are in model_parts, as a JSON array.
alter table turn add column tool_calls varchar(1000000);
