package guard

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Detectors anchored on keyword hits: street addresses (a street suffix
// after a house number here; cues and unit designators in address.go),
// military addresses (APO/FPO/DPO), person names (person.go) and dates of
// birth written with a month name. The one regular expression runs only on
// a small window at an APO/FPO/DPO hit.

// military matches an APO/FPO/DPO address ending at the hit.
var military = regexp.MustCompile(`(?i)(?:(?:PSC|Unit|CMR)\s+\d{3,5},?\s+Box\s+\d{3,5}|USNS\s+\p{Lu}\p{Ll}+|USNV\s+\p{Lu}\p{Ll}+|USS\s+\p{Lu}\p{Ll}+|USCGC\s+\p{Lu}\p{Ll}+)\s*,?\s*[AFD]PO\s+A[AEP]\s+\d{5}`)

func (s *Scanner) scanKeywordAnchored(text string, sc *scratch) {
	addr, person, dob := s.on(StreetAddress), s.on(Person), s.on(DateOfBirth)
	for k := 0; k < len(sc.hits); k++ {
		h := sc.hits[k]
		kw := &s.kws[h.pat]
		if kw.flags == 0 {
			continue
		}
		hs, he := int(h.start), int(h.end)
		// Only the longest of the hits that start here ("st" vs "st.").
		if k+1 < len(sc.hits) && int(sc.hits[k+1].start) == hs && s.kws[sc.hits[k+1].pat].flags&kw.flags != 0 {
			continue
		}
		if addr && kw.flags&kwStreet != 0 {
			if w := s.ac.pats[h.pat].text; w == "apo" || w == "fpo" || w == "dpo" {
				s.military(text, hs, he, sc)
			} else {
				s.street(text, hs, he, sc)
			}
		}
		if addr && kw.flags&kwAddrCue != 0 {
			s.addrAfterCue(text, hs, he, sc)
		}
		if addr && kw.flags&kwUnit != 0 {
			s.addrFromUnit(text, hs, he, sc)
		}
		if person && kw.flags&kwPersonCue != 0 {
			s.person(text, hs, he, s.ac.pats[h.pat].text, sc)
		}
		if person && kw.flags&kwFirstName != 0 {
			s.firstName(text, hs, he, sc)
		}
		if person && kw.flags&kwInitial != 0 {
			s.initial(text, hs, sc)
		}
		if person && kw.flags&kwPersonAfter != 0 {
			s.beforeCue(text, hs, sc)
		}
		if dob && kw.flags&kwMonth != 0 {
			s.monthDate(text, hs, he, s.ac.pats[h.pat].text, sc)
		}
	}
}

func (s *Scanner) military(text string, hs, he int, sc *scratch) {
	lo := max(0, hs-48)
	hi := min(len(text), he+12) // " AA 12345" and a little slack
	for _, m := range military.FindAllStringIndex(text[lo:hi], -1) {
		if lo+m[0] <= hs && lo+m[1] >= he {
			s.add(sc, StreetAddress, lo+m[0], lo+m[1], 0.8, 0, "pii.street_address.military")
		}
	}
}

// street looks back from the suffix at [hs, he) for "NUMBER Word… ".
func (s *Scanner) street(text string, hs, he int, sc *scratch) {
	if hs == 0 || text[hs-1] != ' ' {
		return
	}
	// The suffix word itself must be capitalised or abbreviated.
	if c := text[hs]; !(c >= 'A' && c <= 'Z') {
		return
	}
	p := hs - 1
	words := 0
	for words < 5 && p > 0 {
		// Word before p (text[p] is a space).
		q := p
		for q > 0 && text[q-1] != ' ' && text[q-1] != '\n' && text[q-1] != ',' && p-q < 30 {
			q--
		}
		w := text[q:p]
		if w == "" {
			return
		}
		if allDigits(w) || len(w) > 1 && allDigits(w[:len(w)-1]) && isLetter(w[len(w)-1]) || isHouseRange(w) {
			if words == 0 || len(w) > 7 {
				return
			}
			end, _ := addrEnd(text, he)
			end = max(end, he)
			score := 0.7
			if end-he > 8 {
				score = 0.85
			}
			s.add(sc, StreetAddress, q, end, score, 0, "pii.street_address.suffix")
			return
		}
		r, _ := utf8.DecodeRuneInString(w)
		if !unicode.IsLetter(r) && !isDigit(w[0]) {
			return
		}
		words++
		if q == 0 || text[q-1] != ' ' {
			return
		}
		p = q - 1
	}
}

func allDigits(w string) bool {
	for i := 0; i < len(w); i++ {
		if !isDigit(w[i]) {
			return false
		}
	}
	return len(w) > 0
}

func isHouseRange(w string) bool {
	a, b, ok := strings.Cut(w, "-")
	return ok && allDigits(a) && allDigits(b) && len(a) <= 5 && len(b) <= 5
}

var monthNum = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// monthDate reads "March 3, 1980" or "3 March 1980" around a month name.
func (s *Scanner) monthDate(text string, hs, he int, month string, sc *scratch) {
	m := monthNum[month[:3]]
	if m == 0 {
		return
	}
	readNum := func(i int) (v, end int) {
		k := i
		for k < len(text) && isDigit(text[k]) && k-i < 4 {
			v = v*10 + int(text[k]-'0')
			k++
		}
		return v, k
	}
	skip := func(i int, set string) int {
		for i < len(text) && strings.IndexByte(set, text[i]) >= 0 {
			i++
		}
		return i
	}
	// Month D, YYYY
	i := skip(he, " .")
	if d, k := readNum(i); k > i && k-i <= 2 {
		k = skipOrdinal(text, k)
		k2 := skip(k, " ,")
		if y, k3 := readNum(k2); k3-k2 == 4 && validDate(y, m, d) {
			s.add(sc, DateOfBirth, hs, k3, 0.1, 0.75, "pii.date_of_birth.context")
			return
		}
	}
	// D Month YYYY
	if hs >= 2 && text[hs-1] == ' ' {
		b := hs - 1
		for b > 0 && isLetter(text[b-1]) && hs-b < 4 {
			b--
		}
		a := b
		for a > 0 && isDigit(text[a-1]) && b-a < 2 {
			a--
		}
		if a < b || a < hs-1 {
			d, _ := readNum(a)
			i := skip(he, " .,")
			if y, k := readNum(i); k-i == 4 && a < hs-1 && validDate(y, m, d) {
				s.add(sc, DateOfBirth, a, k, 0.1, 0.75, "pii.date_of_birth.context")
			}
		}
	}
}

func skipOrdinal(text string, k int) int {
	if k+2 <= len(text) {
		a, b := normByte(text[k]), normByte(text[k+1])
		if a == 's' && b == 't' || a == 'n' && b == 'd' || a == 'r' && b == 'd' || a == 't' && b == 'h' {
			return k + 2
		}
	}
	return k
}
