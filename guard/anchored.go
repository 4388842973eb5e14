package guard

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Detectors anchored on keyword hits: street addresses (a street suffix
// after a house number), military addresses (APO/FPO/DPO), person names
// (a cue phrase before capitalised words) and dates of birth written with
// a month name. Regular expressions run only on a small window at a hit.

// addrTail matches what may follow a street suffix: a unit, then a city,
// a state abbreviation and a ZIP code.
var addrTail = regexp.MustCompile(`^\.?(?:,?[ \t]*(?:Apt|APT|Apartment|Suite|SUITE|Ste|STE|Unit|UNIT|Room|Rm|Floor|Fl|Bldg|#)\.?[ \t]*#?[ \t]*[A-Za-z0-9-]{1,6})?(?:,?[ \t]*\n?[ \t]*(?:\p{Lu}[\p{L}'.-]*[ \t]?){1,3},?[ \t]*\n?[ \t]*[A-Z]{2}[ \t]+\d{5}(?:-\d{4})?)?`)

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
			if w := strings.ToLower(text[hs:he]); w == "apo" || w == "fpo" || w == "dpo" {
				s.military(text, hs, he, sc)
			} else {
				s.street(text, hs, he, sc)
			}
		}
		if person && kw.flags&kwPersonCue != 0 {
			s.person(text, hs, he, sc)
		}
		if dob && kw.flags&kwMonth != 0 {
			s.monthDate(text, hs, he, sc)
		}
	}
}

func (s *Scanner) military(text string, hs, he int, sc *scratch) {
	lo := max(0, hs-48)
	hi := min(len(text), he+8)
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
			end := he
			if m := addrTail.FindStringIndex(text[he:min(len(text), he+120)]); m != nil {
				end = he + m[1]
			}
			for end > he && (text[end-1] == ' ' || text[end-1] == ',' || text[end-1] == '\n') {
				end--
			}
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

// strongCues introduce a name by themselves; the others need two
// capitalised words.
var strongCues = map[string]bool{"my name is": true, "my name's": true, "name is": true, "name:": true,
	"mr": true, "mr.": true, "mrs": true, "mrs.": true, "ms": true, "ms.": true, "miss": true, "dr": true, "dr.": true,
	"prof.": true, "professor": true, "dear": true, "signed,": true, "sincerely,": true, "regards,": true,
	"patient": true, "patient:": true, "named": true, "called": true, "attn:": true, "attention:": true, "contact:": true}

// notNames are capitalised words that end a name.
var notNames = map[string]bool{"The": true, "I": true, "A": true, "An": true, "And": true, "Phone": true, "Mobile": true,
	"Email": true, "E-mail": true, "Address": true, "Fax": true, "Desk": true, "Office": true, "My": true, "Thanks": true,
	"Please": true, "Dear": true, "Hi": true, "Hello": true, "Is": true, "In": true, "On": true, "At": true, "Of": true,
	"From": true, "To": true, "Your": true, "This": true, "That": true, "It": true, "We": true, "You": true, "He": true,
	"She": true, "They": true, "Sir": true, "Madam": true, "Team": true, "Customer": true, "Support": true, "Service": true,
	"Name": true, "Date": true, "Tel": true, "Cell": true, "Work": true, "Home": true, "Personal": true, "Info": true,
	"Ok": true, "OK": true, "Yes": true, "No": true, "Not": true, "So": true, "But": true, "For": true, "With": true,
	"Going": true, "Here": true, "There": true, "What": true, "Who": true, "Why": true, "How": true, "When": true}

// person reads the capitalised words after a cue at [hs, he).
func (s *Scanner) person(text string, hs, he int, sc *scratch) {
	cue := strings.ToLower(text[hs:he])
	// Titles need a following space or period; "dr" of an address is not a cue.
	j := he
	if j < len(text) && text[j] == '.' && !strings.HasSuffix(cue, ".") {
		j++
	}
	for j < len(text) && (text[j] == ' ' || text[j] == ':' || text[j] == '\n' && strings.HasSuffix(cue, ",")) {
		j++
	}
	if j == he && !strings.HasSuffix(cue, ":") {
		return
	}
	start, end, words, long := j, j, 0, 0
	for words < 4 && j < len(text) {
		r, size := utf8.DecodeRuneInString(text[j:])
		if !unicode.IsUpper(r) {
			break
		}
		k := j + size
		for k < len(text) {
			r, sz := utf8.DecodeRuneInString(text[k:])
			if !unicode.IsLetter(r) && r != '\'' && r != '-' {
				break
			}
			k += sz
		}
		w := text[j:k]
		if notNames[w] {
			break
		}
		if k < len(text) && text[k] == '.' && k-j == 1 {
			k++ // initial "J."
		} else if k-j > size {
			long++
		} else if !(k < len(text) && text[k] == ' ') {
			break
		}
		// A digit or '@' glued to the word: not a name.
		if k < len(text) && (isDigit(text[k]) || text[k] == '@') {
			break
		}
		words++
		end = k
		if k+1 < len(text) && text[k] == ' ' {
			j = k + 1
			continue
		}
		break
	}
	if long == 0 {
		return
	}
	score := 0.4
	if strongCues[cue] || long >= 2 {
		score = 0.7
	}
	s.add(sc, Person, start, end, score, 0, "pii.person.cue")
}

var monthNum = map[string]int{"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12}

// monthDate reads "March 3, 1980" or "3 March 1980" around a month name.
func (s *Scanner) monthDate(text string, hs, he int, sc *scratch) {
	m := monthNum[strings.ToLower(text[hs:min(he, hs+3)])]
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
		switch strings.ToLower(text[k : k+2]) {
		case "st", "nd", "rd", "th":
			return k + 2
		}
	}
	return k
}
