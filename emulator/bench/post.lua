-- wrk request for emulator/bench/throughput.sh: one generateContent call with a short history.
wrk.method = "POST"
wrk.path = "/v1beta/models/gemini-2.5-flash:generateContent"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-goog-api-key"] = "emulator-key"
wrk.body = '{"contents": ['
  .. '{"role": "user", "parts": [{"text": "Hallo, ich habe eine Frage zu meiner Rechnung."}]},'
  .. '{"role": "model", "parts": [{"text": "Gerne, worum geht es?"}]},'
  .. '{"role": "user", "parts": [{"text": "Warum ist sie diesen Monat so hoch?"}]}]}'
