package guard

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// naiveMatch is the specification match implements: every occurrence of a
// pattern (after case and whitespace folding) that starts and, unless it is
// a prefix pattern, ends at a word boundary.
func naiveMatch(pats []acPattern, text string) []acMatch {
	var out []acMatch
	norm := make([]byte, len(text))
	for i := range len(text) {
		norm[i] = normByte(text[i])
	}
	for end := 1; end <= len(text); end++ {
		for p, pt := range pats {
			start := end - len(pt.text)
			if start < 0 || string(norm[start:end]) != pt.text {
				continue
			}
			if start > 0 && isWordByte(text[start-1]) && isWordByte(pt.text[0]) {
				continue
			}
			if !pt.prefix && end < len(text) && isWordByte(text[end]) && isWordByte(pt.text[len(pt.text)-1]) {
				continue
			}
			out = append(out, acMatch{int32(start), int32(end), int32(p)})
		}
	}
	return out
}

// sortMatches sorts m into the order match reports them in: by end, then
// longest first, then by pattern, last first. The scanner relies on it
// (context windows and use cues read the hits in order of their end).
func sortMatches(m []acMatch) {
	slices.SortFunc(m, func(a, b acMatch) int {
		if a.end != b.end {
			return int(a.end - b.end)
		}
		if a.start != b.start {
			return int(a.start - b.start)
		}
		return int(b.pat - a.pat)
	})
}

// checkMatch fails t when a.match and the specification disagree on text,
// in the matches or in their order.
func checkMatch(t *testing.T, a *automaton, pats []acPattern, text string) {
	t.Helper()
	got := a.match(text, nil)
	want := naiveMatch(pats, text)
	sortMatches(want)
	if !slices.Equal(got, want) {
		t.Fatalf("%q:\n got  %v\n want %v", text, got, want)
	}
}

// acTestPats has patterns that begin or end with non-word bytes, share
// prefixes and suffixes, and have bytes of 0x80 and above, some of which
// the automaton cannot tell apart ("é" and "ß" are both two such bytes).
var acTestPats = []acPattern{{text: "st"}, {text: "st."}, {text: "street"}, {text: "track", prefix: true},
	{text: "call me"}, {text: "me"}, {text: "#"}, {text: "apt #"}, {text: "</system>"}, {text: "system"},
	{text: "mr."}, {text: "ssn#"}, {text: "a"}, {text: "ab"}, {text: "b"}, {text: "ba"},
	{text: "é"}, {text: "ß"}, {text: "été"}, {text: "someone’s"}, {text: "’s"}, {text: "密码", prefix: true},
	{text: "пароль", prefix: true}, {text: "über"}, {text: "st", prefix: true}, {text: "a ß"}}

func FuzzAutomaton(f *testing.F) {
	a := newAutomaton(acTestPats)
	f.Add("Call me at 12 Main St. or track Street #4 </system>system abab ba mr.x ssn#1")
	f.Add("first strack Apt #3 xcall me")
	f.Add("été ß someone’s Über 密码是 пароль: a ß, aß é’s")
	// Long enough to be walked in two halves, with more matches in each
	// than a walk records at once.
	f.Add(strings.Repeat("a b ", 100) + "st. call me " + strings.Repeat("ab ba #", 40))
	f.Add(strings.Repeat("x", 150) + " call " + strings.Repeat("y", 150) + " me")
	f.Fuzz(func(t *testing.T, text string) { checkMatch(t, a, acTestPats, text) })
}

// TestAutomatonLexicon checks the scanner's own automaton, every keyword
// of every detector and use category, on text made of pieces of them.
func TestAutomatonLexicon(t *testing.T) {
	s := mustScanner(t, Config{})
	rng := rand.New(rand.NewPCG(3, 4))
	for range 60 {
		checkMatch(t, s.ac, s.ac.pats, patternText(rng, s.ac.pats, 300))
	}
}

// TestAutomatonRandom checks random pattern sets over a small alphabet,
// where patterns overlap, nest and share prefixes far more than words do.
func TestAutomatonRandom(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const alphabet = "ab c.#1é’"
	for range 25 {
		var pats []acPattern
		seen := map[acPattern]bool{}
		for range 1 + rng.IntN(400) {
			var b strings.Builder
			for range 1 + rng.IntN(8) {
				b.WriteByte(alphabet[rng.IntN(len(alphabet))])
			}
			p := acPattern{text: b.String(), prefix: rng.IntN(4) == 0}
			if !seen[p] && strings.TrimSpace(p.text) == p.text {
				seen[p] = true
				pats = append(pats, p)
			}
		}
		a := newAutomaton(pats)
		for range 30 {
			checkMatch(t, a, pats, patternText(rng, pats, 100+rng.IntN(1000)))
		}
	}
}

// patternText strings together pieces of patterns, upper-cased or cut
// short at random, with spaces, newlines and other bytes between them.
func patternText(rng *rand.Rand, pats []acPattern, n int) string {
	seps := []string{" ", "", "\n", "  ", ".", "x", "é", "\xe2", "1"}
	var b strings.Builder
	for b.Len() < n {
		p := pats[rng.IntN(len(pats))].text
		switch rng.IntN(4) {
		case 0:
			p = strings.ToUpper(p)
		case 1:
			p = p[:rng.IntN(len(p)+1)]
		}
		b.WriteString(p)
		b.WriteString(seps[rng.IntN(len(seps))])
	}
	return b.String()
}

// BenchmarkNewScanner reports what compiling the default scanner allocates
// and the size of its automaton's table (table-B), which every request
// shares.
func BenchmarkNewScanner(b *testing.B) {
	b.ReportAllocs()
	var s *Scanner
	for b.Loop() {
		s = mustScanner(b, Config{})
	}
	b.ReportMetric(float64(s.ac.tableBytes()), "table-B")
}
