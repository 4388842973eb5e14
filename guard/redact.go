package guard

import (
	"sort"
	"strings"
)

// Redact returns text with every finding's span replaced by a placeholder
// naming its type ("[US_SSN]"). Use-policy findings are not replaced: their
// span is evidence of intent, not a value. Overlapping spans merge and take
// the type of the first.
func Redact(text string, fs []Finding) string {
	spans := redactable(fs, 0, len(text))
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, f := range spans {
		b.WriteString(text[last:f.Start])
		b.WriteString("[" + string(f.Type) + "]")
		last = f.End
	}
	b.WriteString(text[last:])
	return b.String()
}

// redactable returns the merged, sorted spans of fs that lie in [lo, hi).
func redactable(fs []Finding, lo, hi int) []Finding {
	var out []Finding
	for _, f := range fs {
		if isUse(f.Type) || f.Start < lo || f.End > hi || f.End <= f.Start {
			continue
		}
		out = append(out, f)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	merged := out[:0]
	for _, f := range out {
		if n := len(merged); n > 0 && f.Start < merged[n-1].End {
			if f.End > merged[n-1].End {
				merged[n-1].End = f.End
			}
			continue
		}
		merged = append(merged, f)
	}
	return merged
}

// MinHoldBack is the smallest hold-back a StreamRedactor uses: longer than
// any entity the scanner reports plus the text after it that a rule reads
// (an address of up to 160 bytes read from a unit designator after it, a
// name line up to 128 bytes above the address it heads), so a decision
// about released text never changes when more text arrives.
const MinHoldBack = 384

// keepLeft is how much already-released text is kept as left context: more
// than any rule reads before a finding (a name mentioned earlier, a list
// item, a dialogue label).
const keepLeft = 448

// compactAt is how much dropped text a StreamRedactor's buffer may hold
// before it is reclaimed.
const compactAt = 4096

// StreamRedactor redacts a text that arrives in chunks (a streamed answer).
// It holds back the tail of the text, so that an SSN split across chunks is
// still caught, and releases only text whose findings are final: nothing
// unredacted is ever released. Its output, concatenated, equals Redact of
// the whole text with the findings of Scan. Not safe for concurrent use.
type StreamRedactor struct {
	s        *Scanner
	holdBack int
	text     string // retained window: left context + pending
	// buf holds the text from off bytes before the window: chunks are
	// appended in place, and the dropped front is reclaimed only once it
	// outgrows the window, so a chunk costs no copy of the window.
	buf      strings.Builder
	off      int
	base     int // offset of text in the whole stream
	released int // stream offset up to which output was released
	seen     map[findingKey]bool
	found    []Finding // the last scan's findings; its array is reused
}

type findingKey struct {
	typ        Type
	start, end int
}

// NewStreamRedactor returns a redactor that holds back holdBack bytes (at
// least MinHoldBack).
func NewStreamRedactor(s *Scanner, holdBack int) *StreamRedactor {
	if holdBack < MinHoldBack {
		holdBack = MinHoldBack
	}
	return &StreamRedactor{s: s, holdBack: holdBack, seen: map[findingKey]bool{}}
}

// Write adds a chunk and returns the text that is now safe to release,
// redacted, with the findings inside it (offsets relative to the whole
// stream so far, as Scan of the whole text would give them) and any
// use-policy findings seen for the first time.
func (r *StreamRedactor) Write(chunk string) (string, []Finding) {
	r.buf.WriteString(chunk)
	r.text = r.buf.String()[r.off:]
	pending := r.base + len(r.text) - r.released
	if pending < r.holdBack+64 {
		return "", nil
	}
	cut := r.base + len(r.text) - r.holdBack
	// Release only up to a whitespace boundary, unless the pending text
	// has none for a long way.
	if k := strings.LastIndexAny(r.text[r.released-r.base:cut-r.base], " \n\t"); k >= 0 {
		cut = r.released + k + 1
	} else if pending < 4*r.holdBack {
		return "", nil
	}
	return r.release(cut)
}

// Flush releases everything still held back.
func (r *StreamRedactor) Flush() (string, []Finding) {
	return r.release(r.base + len(r.text))
}

func (r *StreamRedactor) release(cut int) (string, []Finding) {
	// The window is scanned again at every release: reuse the findings'
	// array (nothing keeps them past this call; out holds copies).
	r.found = r.s.AppendScan(r.found[:0], r.text)
	fs := r.found
	// Never cut through a finding.
	for _, f := range fs {
		if isUse(f.Type) {
			continue
		}
		if a, b := r.base+f.Start, r.base+f.End; a < cut && b > cut {
			cut = a
		}
	}
	if cut <= r.released {
		return "", nil
	}
	lo, hi := r.released-r.base, cut-r.base
	var out []Finding
	var b strings.Builder
	last := lo
	for _, f := range redactable(fs, lo, hi) {
		b.WriteString(r.text[last:f.Start])
		b.WriteString("[" + string(f.Type) + "]")
		last = f.End
		out = append(out, Finding{Type: f.Type, Start: r.base + f.Start, End: r.base + f.End, Score: f.Score, Rule: f.Rule})
	}
	b.WriteString(r.text[last:hi])
	for _, f := range fs {
		if !isUse(f.Type) {
			continue
		}
		k := findingKey{f.Type, 0, 0}
		if !r.seen[k] {
			r.seen[k] = true
			f.Start += r.base
			f.End += r.base
			out = append(out, f)
		}
	}
	r.released = cut
	// Drop text far behind the release point, keeping left context.
	if drop := r.released - keepLeft - r.base; drop > 0 {
		r.text = r.text[drop:]
		r.base += drop
		r.off += drop
		if r.off >= compactAt && r.off >= len(r.text) {
			live := r.text
			r.buf = strings.Builder{}
			r.buf.Grow(len(live) + compactAt)
			r.buf.WriteString(live)
			r.text, r.off = r.buf.String(), 0
		}
	}
	return b.String(), out
}
