//! The evidence signals a finding can carry, in words: the one list that
//! `hihoji rules explain` prints and docs/precision.md describes.

/// `(signal, meaning)`; a signal written `name:x` carries a value.
pub const EVIDENCE_SIGNALS: &[(&str, &str)] = &[
    ("luhn", "the digits pass the Luhn check"),
    ("brand:<name>/<length>", "the number lies in that brand's range and has a length it issues"),
    ("keyword:<word>", "a card word labels the number (nearest word before it, no other value between): strong"),
    ("keyword_nearby:<word>", "a card word elsewhere in the context window: card context"),
    ("expiry_nearby", "an expiry date goes with the number (after a label, right after it, or in its record): strong"),
    ("grouped", "written in its brand's grouping (4-4-4-4, 4-6-5, …): strong"),
    ("record:expiry / record:amount", "leads a fixed-width record's digits, followed by an expiry or a zero-padded amount: strong"),
    ("attached_to_word", "glued to a word of letters (CARD…, …JPY): still a candidate"),
    ("in_token:<kind>", "inside an identifier, symbol, signed integer, decoration or hex string: reported only when a card word labels it"),
    ("table", "stands among numbers of about its length that are not card numbers, or in a window of nothing but numbers, or among long codes sharing a few kinds of digit: a note without strong evidence"),
    ("code_list", "an unquoted number among other numbers in a program's argument or literal list (`check(…, 446, 11)`), no card context: a note"),
    ("patterned", "repeats a short block, counts up or down, or uses fewer than four kinds of digit (342342342342345), or its groups count up (5414 5415 5416 5417): a note without strong evidence"),
    ("id_length", "17–19 digits in one run, the length of random 64-bit ids, with no card context: a note"),
    ("brand_needs_context", "a brand outside the guideline's networks (Mir, RuPay, Troy, UATP, Dankort) with no card context: a note"),
    ("negative_word_nearby", "a non-card identifier word labels another field nearby: lowers confidence only"),
    ("public_test_number", "on the processors' published test-number list: a note (PAN_TEST)"),
    ("encoding:<view>", "found after decoding (base64, hex, percent, EBCDIC, packed BCD, UTF-16, full-width)"),
    ("unframed", "a binary encoding read without the record structure that carries cards: a note"),
    ("in_executable", "packed BCD read in machine code or bytecode (ELF, PE, Mach-O, Java class, WebAssembly, .pyc): a note"),
    ("track_format / expiry_in_track", "magnetic-stripe track layout with a valid expiry"),
    ("label", "a security-code label (a whole word) and a separator before the code"),
    ("card_nearby / masked_card_nearby", "a card number or masked number within a security code's window"),
    ("public_test_number_nearby", "a security code next to a public test number only: a note"),
    ("masked", "first 6 (or 8) and last 4 shown, the middle hidden: a note"),
];
