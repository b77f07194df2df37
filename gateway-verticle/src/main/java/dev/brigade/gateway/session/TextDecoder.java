package dev.brigade.gateway.session;

/** Turns one sequence's generated token ids into text, one token at a time. */
public interface TextDecoder {
  /** Text that became complete with this token (never half a UTF-8 character); may be empty. */
  String push(int tokenId);

  /** Whatever is still pending when the output ends. */
  String flush();
}
