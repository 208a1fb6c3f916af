"""Text helpers shared by the stages: charset decoding, date parsing, language detection."""
