// Extra tokenizer cases from Hugging Face tokenizers itself (the Rust library through its official
// node binding), for Qwen3TokenizerTest. From the repository root, with `npm install tokenizers@0.23.2`
// done in some scratch folder whose node_modules is on NODE_PATH:
//   node engine/src/test/node/tokenizer_cases.js engine/src/main/resources/dev/brigade/engine/qwen3/tokenizer.json 600 1 \
//     > engine/src/test/resources/dev/brigade/engine/text/tokenizer_reference_cases.json
// Random texts mix hard fragments (Unicode spaces, contractions in any case, combining marks,
// emoji sequences, special tokens); random id lists check decoding with and without specials.
const { Tokenizer } = require('tokenizers');
const fs = require('fs');
const [,, tokenizerPath, count, seedArg] = process.argv;
const tok = Tokenizer.fromFile(tokenizerPath);
let seed = BigInt(seedArg || 1);
function rnd() { seed = (seed * 6364136223846793005n + 1442695040888963407n) & ((1n << 64n) - 1n); return Number(seed >> 33n) / 2 ** 31; }
function pick(a) { return a[Math.floor(rnd() * a.length)]; }
function cp(lo, hi) { return String.fromCodePoint(lo + Math.floor(rnd() * (hi - lo))); }
const frags = ["Hello", " world", "'s", "'S", "'LL", "'re", "'Ve", "'d", "ſ", "K", " ", "  ", "   ", "\t", "\n", "\r\n", "\n\n", " \n", "\u00a0", "\u2028", "\u3000", "\u0085", "\u000b", "\u000c", "\u001c", "\u200b", "\ufeff",
  "123", "4", "٣٤", "Ⅷ", "²", "½", "e\u0301", "\u1100\u1161", "한국어", "नमस्ते", "中文", "日本語", "🧪", "👋", "👩\u200d👧", "🇫🇷", "--", "...", "?!", "«»", "$", "€", "<", ">", "<|im_start|>", "<|im_end|>", "<think>", "</think>", "<tool_call>", "<|endoftext|>", "<|im_start", "/", "\\", "\"", "{\"a\": 1}", "x**2", "http://a.b/c?d=e", "\u0000", "\u007f", "a\u0338", ">\u0338", "ﬁ", "Å", "Ω"];
function randomText() {
  let s = "";
  const parts = 1 + Math.floor(rnd() * 14);
  for (let i = 0; i < parts; i++) {
    const r = rnd();
    if (r < 0.55) s += pick(frags);
    else if (r < 0.7) s += cp(0x20, 0x7f);
    else if (r < 0.8) s += cp(0xa0, 0x800);
    else if (r < 0.9) { let c; do { c = cp(0x800, 0x10000); } while (c.charCodeAt(0) >= 0xd800 && c.charCodeAt(0) <= 0xdfff); s += c; }
    else s += cp(0x10000, 0x30000);
  }
  return s;
}
(async () => {
  const out = [];
  const texts = Array.from({ length: Number(count) }, randomText);
  for (const text of texts) {
    const enc = await tok.encode(text, null, { addSpecialTokens: false });
    const ids = enc.getIds();
    out.push({ text, ids, decoded: await tok.decode(ids, false), decoded_skip_special: await tok.decode(ids, true) });
  }
  for (let i = 0; i < Number(count) / 4; i++) {
    const ids = Array.from({ length: 1 + Math.floor(rnd() * 12) }, () => { const r = rnd(); return r < 0.1 ? 151643 + Math.floor(rnd() * 26) : Math.floor(rnd() * 151643); });
    out.push({ ids_only: true, ids, decoded: await tok.decode(ids, false), decoded_skip_special: await tok.decode(ids, true) });
  }
  process.stdout.write(JSON.stringify(out, null, 0).replace(/\},\{/g, '},\n{'));
})();
