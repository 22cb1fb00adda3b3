package com.callcenter.lisa.emulator;

/**
 * A thought signature the emulator put on a reply part, for tests that check the client sends it
 * back unchanged.
 *
 * @param responseId the reply's responseId ("emu-00000003")
 * @param model the model that answered (signatures are valid for it only)
 * @param kind "text" or "functionCall": the part that carried it
 * @param signature the base64 value exactly as sent
 */
public record IssuedSignature(String responseId, String model, String kind, String signature) {}
