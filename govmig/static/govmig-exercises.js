/* Governing Migration: static exercises (no kernel).
 * Mirrors govmig/exercises/check.py rule for rule; tests/test_exercise_parity.py
 * runs both on the same answers. Answers are kept in localStorage
 * ("govmig:answers", same structure as the Python answer file).
 * Works in the browser and, for the tests, under Node (module.exports). */
(function (root) {
  "use strict";

  // --- SHA-256 (FIPS 180-4) over bytes; crypto.subtle is missing on plain-http hosts.
  var K = [0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2];

  function utf8(text) { return new TextEncoder().encode(text); }

  function sha256(bytes) {
    var len = bytes.length, total = ((len + 9 + 63) >> 6) << 6;
    var m = new Uint8Array(total); m.set(bytes); m[len] = 0x80;
    var bits = len * 8, dv = new DataView(m.buffer);
    dv.setUint32(total - 4, bits >>> 0); dv.setUint32(total - 8, Math.floor(bits / 4294967296));
    var h = [0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19];
    var w = new Uint32Array(64);
    for (var off = 0; off < total; off += 64) {
      for (var i = 0; i < 16; i++) w[i] = dv.getUint32(off + i * 4);
      for (i = 16; i < 64; i++) {
        var a = w[i - 15], b = w[i - 2];
        var s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
        var s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
        w[i] = (w[i - 16] + s0 + w[i - 7] + s1) >>> 0;
      }
      var A = h[0], B = h[1], C = h[2], D = h[3], E = h[4], F = h[5], G = h[6], H = h[7];
      for (i = 0; i < 64; i++) {
        var S1 = ((E >>> 6) | (E << 26)) ^ ((E >>> 11) | (E << 21)) ^ ((E >>> 25) | (E << 7));
        var t1 = (H + S1 + ((E & F) ^ (~E & G)) + K[i] + w[i]) >>> 0;
        var S0 = ((A >>> 2) | (A << 30)) ^ ((A >>> 13) | (A << 19)) ^ ((A >>> 22) | (A << 10));
        var t2 = (S0 + ((A & B) ^ (A & C) ^ (B & C))) >>> 0;
        H = G; G = F; F = E; E = (D + t1) >>> 0; D = C; C = B; B = A; A = (t1 + t2) >>> 0;
      }
      h = [h[0] + A, h[1] + B, h[2] + C, h[3] + D, h[4] + E, h[5] + F, h[6] + G, h[7] + H].map(function (x) { return x >>> 0; });
    }
    var out = new Uint8Array(32), odv = new DataView(out.buffer);
    h.forEach(function (x, j) { odv.setUint32(j * 4, x); });
    return out;
  }

  function hex(bytes) { return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join(""); }
  function digest() { return hex(sha256(utf8(Array.prototype.join.call(arguments, "|")))); }

  function unseal(sealed, salt, canonical) {
    var bin = atob(sealed), data = new Uint8Array(bin.length), out = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) data[i] = bin.charCodeAt(i);
    for (var block = 0; block * 32 < data.length; block++) {
      var ks = sha256(utf8(salt + "|explain|" + canonical + "|" + block));
      for (var j = 0; j < 32 && block * 32 + j < data.length; j++) out[block * 32 + j] = data[block * 32 + j] ^ ks[j];
    }
    return new TextDecoder().decode(out);
  }

  // --- the rules (same as check.py)
  var MESSAGES = root.GOVMIG_MESSAGES || {};
  function fmt(key, values) {
    return MESSAGES[key].replace(/\{(\w+)\}/g, function (_, k) { return String(values[k]); });
  }
  function join() { return Array.prototype.filter.call(arguments, Boolean).join(" "); }

  // Number rules, spelt out in ASCII as in check.py: spaces (and U+FEFF, a BOM) and "_"
  // anywhere are ignored; any script's decimal digits count as the digits 0-9.
  var NUM_SPACE = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";
  var IGNORED = new RegExp("[" + NUM_SPACE + "_]", "g"), SPACE_AT = new RegExp("[" + NUM_SPACE + "]");
  var MAX_EXACT = 9007199254740992;
  // One length limit per answer kind: govmig/exercises/limits.json (tests/test_limits.py).
  var LIMITS = { number: 100, text: 5000, name: 100, id: 100 };
  var MAX_NUMBER_CHARS = LIMITS.number, MAX_TEXT_CHARS = LIMITS.text;
  // The decimal digits of every script, as each script's zero: one table from one Unicode
  // version (14.0.0), the same as check.py's DIGIT_ZEROS (the browser's \p{Nd} is newer).
  var UNICODE_DIGITS_VERSION = "14.0.0";
  var DIGIT_ZEROS = [
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66, 0xDE6, 0xE50,
    0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90, 0x1B50, 0x1BB0, 0x1C40,
    0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10, 0x104A0, 0x10D30, 0x11066,
    0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950,
    0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC, 0x1D7F6,
    0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0];
  var TO_ASCII = Object.create(null);
  DIGIT_ZEROS.forEach(function (zero) { for (var n = 0; n < 10; n++) TO_ASCII[zero + n] = String(n); });
  function codePoints(text) { return Array.from(text); }
  // Whether text has more than `limit` code points (a lone surrogate is one), without
  // reading further than needed.
  function codePointsOver(text, limit) {
    if (text.length <= limit) return false;
    var n = 0;
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        var d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      if (++n > limit) return true;
    }
    return false;
  }
  function asciiDigits(text) {
    return codePoints(text).map(function (ch) { var d = TO_ASCII[ch.codePointAt(0)]; return d === undefined ? ch : d; }).join("");
  }
  // In time linear in the length (a regular expression for the right end was quadratic).
  function trim(text) {
    var start = 0, end = text.length;
    while (start < end && SPACE_AT.test(text.charAt(start))) start++;
    while (end > start && SPACE_AT.test(text.charAt(end - 1))) end--;
    return text.slice(start, end);
  }
  function thousands(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
  function shown(raw) { var cps = codePoints(raw); return cps.length <= 40 ? raw : cps.slice(0, 40).join("") + "\u2026"; }
  function parseNumber(raw) {
    if (codePointsOver(raw, MAX_NUMBER_CHARS)) return null;
    var text = raw.replace(IGNORED, "");
    text = asciiDigits(text);
    if (/^[+-]?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]+)?$/.test(text)) text = text.replace(/,/g, "");
    else if (/^[+-]?[0-9]+,[0-9]+$/.test(text)) text = text.replace(",", ".");
    if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)$/.test(text)) return null;
    var value = parseFloat(text);
    return isFinite(value) ? value : null;
  }
  function canonicalNumber(value, decimals) {
    var scaled = value * Math.pow(10, decimals) + 0.5;
    if (!isFinite(scaled) || Math.abs(scaled) > MAX_EXACT) return null;
    return String(Math.floor(scaled));
  }
  // An order or match value: a string, or a whole number given as one (2 for "2").
  function selectValue(v) {
    if (typeof v === "string") return v;
    if (typeof v === "number" && Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
    return "";
  }
  function own(obj, key) { return Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined; }

  function canonicalResponse(pub, response) {
    if (pub.kind === "choice") {
      if (typeof response !== "string" || response === "") return { status: "empty", message: fmt("empty_choice", {}) };
      return response;
    }
    if (pub.kind === "number") {
      if (typeof response !== "string" && typeof response !== "number") return { status: "empty", message: fmt("empty_number", {}) };
      var text = String(response);
      if (codePointsOver(text, MAX_NUMBER_CHARS)) return { status: "invalid", message: fmt("number_too_long", { max: MAX_NUMBER_CHARS }) };
      var raw = trim(text);
      if (raw === "") return { status: "empty", message: fmt("empty_number", {}) };
      var value = parseNumber(raw), canonical = value === null ? null : canonicalNumber(value, pub.decimals);
      if (canonical === null) return { status: "invalid", message: fmt("invalid_number", { value: shown(raw) }) };
      return canonical;
    }
    response = response && typeof response === "object" && !Array.isArray(response) ? response : {};
    var values = Object.create(null), missing = 0;
    pub.items.forEach(function (it) { values[it.id] = selectValue(own(response, it.id)); if (!values[it.id]) missing++; });
    if (missing) return { status: "empty", message: fmt("empty_select", { missing: missing, total: pub.items.length }) };
    var optionIds = pub.options.map(function (o) { return o.id; });
    if (pub.items.some(function (it) { return optionIds.indexOf(values[it.id]) < 0; })) return { status: "invalid", message: fmt("not_an_option", {}) };
    if (pub.kind === "order") {
      var seen = Object.create(null);
      pub.items.forEach(function (it) { seen[values[it.id]] = (seen[values[it.id]] || 0) + 1; });
      var dup = optionIds.filter(function (p) { return seen[p] > 1; });
      if (dup.length) return { status: "invalid", message: fmt("duplicate_positions", { positions: dup.join(", ") }) };
    }
    return pub.items.map(function (it) { return it.id + "=" + values[it.id]; }).join(";");
  }

  // Agreement of a coding with the reference: same rules as govmig/exercises/check.py.
  function roundRatio(num, den, places) {
    var sign = num * den < 0 ? "-" : "", p = Math.pow(10, places);
    num = Math.abs(num); den = Math.abs(den);
    var scaled = Math.floor((2 * num * p + den) / (2 * den)), whole = Math.floor(scaled / p), frac = scaled % p;
    return sign + whole + (places ? "." + ("000000" + frac).slice(-places) : "");
  }
  function agreementMessage(pub, canonical) {
    var pairs = {};
    canonical.split(";").forEach(function (p) { var k = p.indexOf("="); pairs[p.slice(0, k)] = p.slice(k + 1); });
    var n = pub.items.length, same = {}, agreed = 0, s = 0;
    pub.items.forEach(function (it) { if (digest(pub.salt, it.id, pairs[it.id]) === it.key) { same[it.id] = true; agreed++; } });
    var codes = [];
    pub.options.forEach(function (o) {
      var mine = 0, hit = 0;
      pub.items.forEach(function (it) { if (pairs[it.id] === o.id) { mine++; if (same[it.id]) hit++; } });
      s += mine * o.ref;
      if (o.ref > 0) codes.push(o.text + " " + hit + " of " + o.ref);
    });
    var den = n * n - s;
    return fmt("agreement", { right: agreed, total: n, percent: roundRatio(100 * agreed, n, 0),
      kappa: den ? roundRatio(n * agreed - s, den, 2) : fmt("kappa_undefined", {}), codes: codes.join("; ") });
  }

  // Written tasks: same rules as check_text in check.py.
  var WORD = /[^\t\n\v\f\r \u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/g;
  function countWords(text) { return (text.match(WORD) || []).length; }
  function checkText(pub, response) {
    var text = typeof response === "string" ? response : "";
    var none = { explanation: null, repeated: false, model_answer: null, rubric: null };
    function fb(status, message) { return Object.assign({ status: status, message: message }, none); }
    if (codePointsOver(text, MAX_TEXT_CHARS)) return fb("invalid", fmt("text_too_long", { max: thousands(MAX_TEXT_CHARS) }));
    var words = countWords(text);
    if (words === 0) return fb("empty", fmt("empty_text", {}));
    if (words < pub.min_words) return fb("draft", join(fmt("text_short", { words: words, min: pub.min_words }), pub.hint ? fmt("hint", { hint: pub.hint }) : null));
    if (pub.max_words && words > pub.max_words) return fb("draft", fmt("text_long", { words: words, max: pub.max_words }));
    var open = function (s) { return unseal(s, pub.salt, "text"); };
    return { status: "submitted", message: fmt("text_submitted", { words: words }), repeated: false,
      explanation: open(pub.explanation), model_answer: open(pub.model_answer), rubric: pub.rubric.map(open) };
  }

  // Never throws: the rules above are meant to cover every input; this is the last resort.
  function check(pub, response, tried) {
    try { return checkRules(pub, response, tried); }
    catch (e) { return { status: "invalid", message: fmt("unreadable", {}), explanation: null, repeated: false }; }
  }
  function checkRules(pub, response, tried) {
    if (pub.kind === "text") return checkText(pub, response);
    var canonical = canonicalResponse(pub, response);
    if (typeof canonical !== "string") { canonical.explanation = null; canonical.repeated = false; return canonical; }
    tried = tried || [];
    var repeated = tried.indexOf(canonical) >= 0;
    if (!repeated) tried.push(canonical);
    var prefix = repeated ? fmt("repeat", {}) : null;
    var hint = pub.hint ? fmt("hint", { hint: pub.hint }) : null;
    if (digest(pub.salt, pub.id, canonical) === pub.key) {
      return { status: "correct", message: join(fmt("correct", {}), pub.agreement ? agreementMessage(pub, canonical) : null), repeated: repeated,
        explanation: pub.explanation ? unseal(pub.explanation, pub.salt, canonical) : null };
    }
    if (pub.kind === "choice") {
      var opt = pub.options.filter(function (o) { return o.id === canonical; })[0];
      return { status: "wrong", message: join(prefix, fmt("wrong", {}), opt && opt.feedback, hint), repeated: repeated, explanation: null };
    }
    if (pub.kind === "number") return { status: "wrong", message: join(prefix, fmt("wrong", {}), hint), repeated: repeated, explanation: null };
    var pairs = {};
    canonical.split(";").forEach(function (p) { var k = p.indexOf("="); pairs[p.slice(0, k)] = p.slice(k + 1); });
    var wrong = pub.items.filter(function (it) { return digest(pub.salt, it.id, pairs[it.id]) !== it.key; });
    var names = wrong.map(function (it) { return "\u201c" + it.label + "\u201d"; }).join(", ");
    var right = pub.items.length - wrong.length;
    var message = fmt("partial", { right: right, verb: right === 1 ? "is" : "are", total: pub.items.length, items: names });
    return { status: "partial", message: join(prefix, message, pub.agreement ? agreementMessage(pub, canonical) : null, hint),
      repeated: repeated, explanation: null,
      wrongIds: wrong.map(function (it) { return it.id; }) };
  }

  var api = { sha256hex: function (t) { return hex(sha256(utf8(t))); }, check: check, parseNumber: parseNumber,
    trim: trim, LIMITS: LIMITS, DIGIT_ZEROS: DIGIT_ZEROS, UNICODE_DIGITS_VERSION: UNICODE_DIGITS_VERSION,
    setMessages: function (m) { MESSAGES = m; } };
  if (typeof module === "object" && module.exports) { module.exports = api; return; }
  root.GovmigExercises = api;

  // --- the page: bind every form, restore saved answers.
  // Answers live in memory for the page's lifetime (`memory`) and are mirrored to
  // localStorage when the browser allows it. If storage is missing, blocked, full or
  // throws, checking and export still work from memory, and the page says plainly that
  // answers will not be kept after it is closed.
  var STORE = "govmig:answers", ICON = { correct: "\u2714 ", partial: "\u25d1 ", wrong: "\u2716 ", empty: "\u2139 ", invalid: "\u2139 ",
    draft: "\u270e ", submitted: "\u2714 " };
  var memory = null, kept = true;
  var NOT_KEPT = "This browser does not let the page save your answers, so they are kept only while this page " +
    "is open: export them before you close or reload it.";
  function storage() { try { return root.localStorage || null; } catch (e) { return null; } }
  function plainAnswers(doc) {
    var a = doc && typeof doc === "object" ? doc.answers : null;
    if (!a || typeof a !== "object" || Array.isArray(a)) return {};
    var out = Object.create(null);
    Object.keys(a).forEach(function (k) { if (a[k] && typeof a[k] === "object" && !Array.isArray(a[k])) out[k] = a[k]; });
    return out;
  }
  // Two tabs of the book share one store: every read takes what the other tabs have saved
  // since (the newest `updated` of each exercise wins), and every write re-reads the store
  // and changes only the exercise just checked, so one tab never writes back another's
  // answers as they were when it opened.
  function newer(a, b) { return String(a.updated || "") >= String(b.updated || ""); }
  function readStore() {
    var s = storage(), doc = null;
    try { doc = s ? JSON.parse(s.getItem(STORE) || "{}") : null; } catch (e) { doc = null; }
    var stored = plainAnswers(doc);
    if (!memory) memory = Object.create(null);
    Object.keys(stored).forEach(function (k) { if (!own(memory, k) || newer(stored[k], memory[k])) memory[k] = stored[k]; });
    return memory;
  }
  function warnNotKept() {
    kept = false;
    document.querySelectorAll(".gm-storage-warning").forEach(function (p) { p.hidden = false; p.textContent = NOT_KEPT; });
  }
  function saveAnswer(id, entry) {
    var answers = readStore();
    answers[id] = entry;
    var s = storage();
    try {
      if (!s) throw new Error("no storage");
      s.setItem(STORE, JSON.stringify({ version: 1, answers: answers }));
    } catch (e) { warnNotKept(); }
  }
  function probeStorage() {
    var s = storage();
    try {
      if (!s) throw new Error("no storage");
      s.getItem(STORE);
      s.setItem(STORE + ":probe", "1"); s.removeItem(STORE + ":probe");
    } catch (e) { return false; }
    return true;
  }
  function responseOf(form, pub) {
    if (pub.kind === "choice") { var c = form.querySelector("input[type=radio]:checked"); return c ? c.value : null; }
    if (pub.kind === "number") return form.querySelector("input[name=value]").value;
    if (pub.kind === "text") return form.querySelector("textarea[name=value]").value;
    var r = {}; form.querySelectorAll("select").forEach(function (s) { r[s.name] = s.value; }); return r;
  }
  // Whether a saved response has the shape of this kind's answers (a damaged or foreign
  // store may hold anything); the same rule as widget.py's readable().
  function readable(pub, response) {
    if (response === null || response === undefined) return true;
    if (pub.kind === "choice" || pub.kind === "text") return typeof response === "string";
    if (pub.kind === "number") return typeof response === "string" || typeof response === "number";
    if (typeof response !== "object" || Array.isArray(response)) return false;
    return Object.keys(response).every(function (k) { var v = response[k]; return v === null || typeof v === "string" || typeof v === "number"; });
  }
  function setResponse(form, pub, response) {
    if (pub.kind === "choice") form.querySelectorAll("input[type=radio]").forEach(function (i) { i.checked = i.value === response; });
    else if (pub.kind === "number") form.querySelector("input[name=value]").value = response == null ? "" : String(response);
    else if (pub.kind === "text") form.querySelector("textarea[name=value]").value = typeof response === "string" ? response : "";
    else form.querySelectorAll("select").forEach(function (s) {
      var v = response && typeof response === "object" ? response[s.name] : "";
      s.value = Array.prototype.some.call(s.options, function (o) { return o.value === v; }) ? v : "";
    });
  }
  function show(form, fb, note) {
    var box = form.querySelector(".gm-feedback");
    box.className = "gm-feedback" + (fb ? " gm-" + fb.status : "");
    box.textContent = "";
    if (!fb) { box.textContent = note || ""; return; }
    var strong = document.createElement("strong"); strong.textContent = ICON[fb.status];
    box.appendChild(strong); box.appendChild(document.createTextNode(fb.message));
    if (fb.model_answer) {
      var model = document.createElement("div"); model.className = "gm-model";
      var h = document.createElement("h4"); h.textContent = "Model answer"; model.appendChild(h);
      fb.model_answer.split(/\n\s*\n/).forEach(function (t) { if (t.trim()) { var q = document.createElement("p"); q.textContent = t.trim(); model.appendChild(q); } });
      var r = document.createElement("h4"); r.textContent = "Rubric: check your draft against each point"; model.appendChild(r);
      var ul = document.createElement("ul");
      fb.rubric.forEach(function (t) { var li = document.createElement("li"); li.textContent = t; ul.appendChild(li); });
      model.appendChild(ul); box.appendChild(model);
    }
    if (fb.explanation) { var p = document.createElement("p"); p.className = "gm-explanation"; p.textContent = fb.explanation; box.appendChild(p); }
    if (fb.wrongIds) form.querySelectorAll("select").forEach(function (s) { s.setAttribute("aria-invalid", fb.wrongIds.indexOf(s.name) >= 0 ? "true" : "false"); });
  }
  function bind(form) {
    var pub = JSON.parse(form.getAttribute("data-gm-exercise")), tried = [];
    var saved = own(readStore(), pub.id);
    if (saved && !readable(pub, saved.response)) show(form, null, MESSAGES.restore_damaged);
    else if (saved) {
      setResponse(form, pub, saved.response);
      if (Array.isArray(saved.tried)) tried = saved.tried.filter(function (t) { return typeof t === "string"; });
      // Say whether the restored answer was right, as the checker would now (not "repeated").
      var again = check(pub, responseOf(form, pub), []);
      again.message = MESSAGES.restored + " " + again.message;
      show(form, again);
    }
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var response = responseOf(form, pub), fb = check(pub, response, tried);
      show(form, fb);
      if (fb.status !== "empty" && fb.status !== "invalid") {
        saveAnswer(pub.id, { chapter: pub.chapter, response: response, status: fb.status, attempts: tried.length,
          tried: tried, updated: new Date().toISOString() });
      }
    });
    form.querySelector(".gm-clear").addEventListener("click", function () { setResponse(form, pub, null); show(form, null, ""); });
    form.querySelectorAll(".gm-actions button").forEach(function (b) { b.disabled = false; });  // disabled without JavaScript
    form.setAttribute("data-gm-ready", "true");
  }
  // Export: the same file format as govmig.exercises.store.export (collected by govmig.collect).
  function exportDoc(chapter, name, book) {
    var answers = readStore(), out = {};
    Object.keys(answers).forEach(function (k) {
      var v = answers[k];
      if (v && v.chapter === chapter) out[k] = { response: v.response, status: v.status, attempts: v.attempts, updated: v.updated };
    });
    var doc = { format: "governing-migration-answers", version: 2, chapter: chapter, name: name,
      exported: new Date().toISOString().replace(/\.\d{3}Z$/, "+00:00"), answers: out };
    if (book) doc.book = book;
    return doc;
  }
  function bindExport(box) {
    var button = box.querySelector(".gm-export-button"), status = box.querySelector(".gm-export-status");
    var nameInput = box.querySelector(".gm-export-name");
    var warning = document.createElement("p");
    warning.className = "gm-storage-warning"; warning.setAttribute("role", "alert"); warning.hidden = kept;
    if (!kept) warning.textContent = NOT_KEPT;
    box.insertBefore(warning, box.firstChild);
    button.addEventListener("click", function () {
      var name = nameInput ? nameInput.value.trim() : "";
      if (nameInput && !name) { status.textContent = "Type your name, then press Export my answers."; nameInput.focus(); return; }
      if (codePointsOver(name, LIMITS.name)) {
        status.textContent = "Your name is longer than " + LIMITS.name + " characters, the most an export can carry: shorten it, then press Export my answers.";
        nameInput.focus(); return;
      }
      var chapter = button.getAttribute("data-gm-chapter"), doc = exportDoc(chapter, name, box.getAttribute("data-gm-book"));
      var n = Object.keys(doc.answers).length;
      if (!n) { status.textContent = "You have not checked any answer on this page yet, so there is nothing to export."; return; }
      var stamp = doc.exported.replace(/[-:]/g, "").replace("+0000", "Z");
      var link = document.createElement("a");
      link.href = URL.createObjectURL(new Blob([JSON.stringify(doc, null, 1)], { type: "application/json" }));
      link.download = "governing-migration-" + chapter + "-answers-" + stamp + ".json";
      document.body.appendChild(link); link.click(); link.remove();
      status.textContent = "Downloaded " + n + " answer(s) as " + link.download + ": hand in that file." +
        (kept ? "" : " Your answers are not saved in this browser.");
    });
    button.disabled = false;  // disabled without JavaScript
    box.setAttribute("data-gm-ready", "true");
  }
  function init() {
    if (!probeStorage()) kept = false;
    var forms = document.querySelectorAll("form.gm-exercise");
    if (forms.length) {
      var top = document.createElement("p");
      top.className = "gm-storage-warning"; top.setAttribute("role", "alert"); top.hidden = kept;
      if (!kept) top.textContent = NOT_KEPT;
      forms[0].parentNode.insertBefore(top, forms[0]);
    }
    forms.forEach(bind);
    document.querySelectorAll(".gm-export").forEach(bindExport);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init); else init();
})(typeof window !== "undefined" ? window : globalThis);
