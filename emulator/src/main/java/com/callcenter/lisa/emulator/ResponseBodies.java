package com.callcenter.lisa.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** GenerateContentResponse / CountTokensResponse JSON in the real field order. */
final class ResponseBodies {

  private ResponseBodies() {}

  static ObjectNode unary(Reply reply, int promptTokens, String model, String responseId) {
    return chunk(
        reply.text(),
        reply.finishReason(),
        promptTokens,
        Tokens.of(reply.text()),
        model,
        responseId);
  }

  /**
   * Stream chunks: each carries its part of the text and the cumulative usage so far; only the last
   * one has finishReason, as in recorded streams.
   */
  static List<ObjectNode> stream(Reply reply, int promptTokens, String model, String responseId) {
    List<String> pieces = reply.chunks();
    List<ObjectNode> chunks = new ArrayList<>(pieces.size());
    StringBuilder soFar = new StringBuilder();
    for (int i = 0; i < pieces.size(); i++) {
      soFar.append(pieces.get(i));
      boolean last = i == pieces.size() - 1;
      chunks.add(
          chunk(
              pieces.get(i),
              last ? reply.finishReason() : null,
              promptTokens,
              Tokens.of(soFar.toString()),
              model,
              responseId));
    }
    return chunks;
  }

  static ObjectNode countTokens(int totalTokens) {
    ObjectNode root = Json.object();
    root.put("totalTokens", totalTokens);
    promptDetails(root, totalTokens);
    return root;
  }

  private static ObjectNode chunk(
      String text,
      String finishReason,
      int promptTokens,
      int candidateTokens,
      String model,
      String responseId) {
    ObjectNode root = Json.object();
    ObjectNode candidate = root.putArray("candidates").addObject();
    ObjectNode content = candidate.putObject("content");
    content.putArray("parts").addObject().put("text", text);
    content.put("role", "model");
    if (finishReason != null) {
      candidate.put("finishReason", finishReason);
    }
    candidate.put("index", 0);
    ObjectNode usage = root.putObject("usageMetadata");
    usage.put("promptTokenCount", promptTokens);
    if (candidateTokens > 0) { // the real API omits zero counters
      usage.put("candidatesTokenCount", candidateTokens);
    }
    usage.put("totalTokenCount", promptTokens + candidateTokens);
    promptDetails(usage, promptTokens);
    root.put("modelVersion", model);
    root.put("responseId", responseId);
    return root;
  }

  private static void promptDetails(ObjectNode target, int tokens) {
    target
        .putArray("promptTokensDetails")
        .addObject()
        .put("modality", "TEXT")
        .put("tokenCount", tokens);
  }
}
