package guard

import (
	"slices"
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

func sortMatches(m []acMatch) {
	slices.SortFunc(m, func(a, b acMatch) int {
		if a.end != b.end {
			return int(a.end - b.end)
		}
		if a.start != b.start {
			return int(a.start - b.start)
		}
		return int(a.pat - b.pat)
	})
}

var acTestPats = []acPattern{{text: "st"}, {text: "st."}, {text: "street"}, {text: "track", prefix: true},
	{text: "call me"}, {text: "me"}, {text: "#"}, {text: "apt #"}, {text: "</system>"}, {text: "system"},
	{text: "mr."}, {text: "ssn#"}, {text: "a"}, {text: "ab"}, {text: "b"}, {text: "ba"}}

func FuzzAutomaton(f *testing.F) {
	a := newAutomaton(acTestPats)
	f.Add("Call me at 12 Main St. or track Street #4 </system>system abab ba mr.x ssn#1")
	f.Add("first strack Apt #3 xcall me")
	f.Fuzz(func(t *testing.T, text string) {
		got := a.match(text, nil)
		want := naiveMatch(acTestPats, text)
		sortMatches(got)
		sortMatches(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q:\n got  %v\n want %v", text, got, want)
		}
	})
}
