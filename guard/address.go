package guard

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Street addresses beyond "NUMBER Name Suffix" (anchored.go): an address
// introduced by a cue ("lives at", "address:"), and an address found from a
// unit designator ("Apt. 4", "Suite 200") back to the start of its street
// line. Both read the address forwards with addrEnd, over the tokens an
// address is made of — numbers, capitalised words, short particles (de,
// do, van, str), unit designators, commas and single line breaks — so the
// span covers the unit, city, state and ZIP (or a foreign postcode and
// country) when they follow.

// addrCues introduce an address.
const addrCues = "address is|address:|addresses are|address of|lives at|live at|living at|lived at|resides at|located at|" +
	"office is at|offices are at|is located at|moved to|send it to|sent to|send to|ship to|shipped to|mail it to|" +
	"deliver to|delivered to|return to|meet you at|meet me at|drops you off at|drop me off at|pick me up at|" +
	"billing address|mailing address|home address|shipping address|postal address|street address|residence:|" +
	"is at|it's in|it is in|is on|corner of|lives on|live on|living on|located on|enter on|" +
	"address to|address with|arrived at|taxi to|directions to"

// unitWords are unit designators (USPS C2) and the military box forms.
const unitWords = "apt|apt.|apartment|suite|ste|ste.|unit|rm|rm.|room|fl|floor|bldg|building|#|box|po box|p.o. box"

// addrParticles are lower-case words that occur inside street and city
// names in the languages US mail is addressed in and from.
var addrParticles = map[string]bool{"de": true, "do": true, "da": true, "dos": true, "das": true, "del": true,
	"la": true, "le": true, "les": true, "du": true, "di": true, "van": true, "von": true, "der": true, "den": true,
	"ter": true, "y": true, "e": true, "str": true, "str.": true, "u": true, "u.": true, "ul": true, "ul.": true,
	"st": true, "st.": true, "apt": true, "apt.": true, "ste": true, "ste.": true, "box": true, "unit": true,
	"suite": true, "and": true, "nan": true, "tér": true, "út": true, "utca": true, "vej": true, "gade": true,
	"of": true, "the": true}

// maxAddr bounds an address span, in bytes and in lines.
const (
	maxAddr      = 160
	maxAddrLines = 5
)

// addrEnd reads address tokens from i and returns where the address ends
// (trailing spaces and commas trimmed) and whether it saw a digit.
func addrEnd(text string, i int) (end int, digit bool) {
	end = i
	lines := 0
	limit := min(len(text), i+maxAddr)
	j := i
	for j < limit {
		c := text[j]
		switch {
		case c == ' ' || c == '\t' || c == ',' || c == '>' || c == '(' || c == ')' || c == '-' || c == '#' || c == '\'':
			j++
			continue
		case c == '\n' || c == '\r':
			if lines++; lines >= maxAddrLines {
				return end, digit
			}
			k := j + 1
			for k < len(text) && (text[k] == ' ' || text[k] == '\t' || text[k] == '\r' || text[k] == '>') {
				k++
			}
			if k < len(text) && text[k] == '\n' {
				return end, digit // a blank line ends the address
			}
			j = k
			continue
		case c == '.':
			// A period after an abbreviation ("St.", "u.") continues; after
			// a number or a long word, before a space or the end, it ends
			// the sentence.
			w := lastToken(text[i:j])
			if (j+1 >= len(text) || text[j+1] == ' ' || text[j+1] == '\n') && (len(w) >= 4 || allDigits(w) && j+2 < len(text) && text[j+1] == ' ' && text[j+2] >= 'A' && text[j+2] <= 'Z') {
				return end, digit
			}
			j++
			continue
		case isDigit(c):
			k := j
			for k < len(text) && (isDigit(text[k]) || text[k] == '-' && k+1 < len(text) && isDigit(text[k+1])) {
				k++
			}
			nd := 0
			for _, r := range text[j:k] {
				if r != '-' {
					nd++
				}
			}
			// House numbers and postcodes; a longer run is a phone or an
			// account, and a digit glued to letters ("Office") is not ours.
			// "12B", "3rd" keep their letters; "3660Office" ends the address.
			if k < len(text) && isLetter(text[k]) {
				switch {
				case k+2 <= len(text) && isOrdinal(text[k:]):
				case k+1 == len(text) || !isWordByte(text[k+1]):
					k++
				default:
					return end, digit
				}
			}
			if nd > 9 || k-j > 10 {
				return end, digit
			}
			if k < len(text) && text[k] == '-' || j > 0 && text[j-1] == '(' {
				return end, digit // "555-12-", "(202)": a phone, not an address
			}
			if a, b, ok := strings.Cut(text[j:k], "-"); ok && !(len(a) == 5 && len(b) == 4) && !(len(a) <= 5 && len(b) <= 3) || strings.Count(text[j:k], "-") > 1 {
				return end, digit // only ZIP+4 and house ranges carry a dash
			}
			digit = true
			j = k
			if k+2 <= len(text) && isOrdinal(text[k:]) {
				j += 2
			}
			end = j
			continue
		}
		r, size := utf8.DecodeRuneInString(text[j:])
		if !unicode.IsLetter(r) {
			return end, digit
		}
		k := j + size
		for k < len(text) {
			r2, sz := utf8.DecodeRuneInString(text[k:])
			if !unicode.IsLetter(r2) && r2 != '\'' && r2 != '-' && r2 != '∆' {
				break
			}
			k += sz
		}
		w := text[j:k]
		if k < len(text) && text[k] == '@' {
			return end, digit
		}
		if !unicode.IsUpper(r) && r < utf8.RuneSelf && !addrParticles[w] && !addrParticles[strings.ToLower(w)] {
			return end, digit
		}
		if w == "and" && !(k+1 < len(text) && text[k] == ' ' && isUpperStart(text[k+1:])) {
			return end, digit
		}
		if unicode.IsUpper(r) && notAddr[w] {
			return end, digit
		}
		j = k
		if w != "and" && w != "of" && w != "the" {
			end = j
		}
	}
	return end, digit
}

// notAddr are capitalised words that start a new sentence or field, not a
// part of an address.
var notAddr = map[string]bool{"Phone": true, "Tel": true, "Fax": true, "Email": true, "E-mail": true, "Mobile": true,
	"Cell": true, "Name": true, "Date": true, "Thanks": true, "Thank": true, "Please": true, "Regards": true,
	"Best": true, "Sincerely": true, "I": true, "We": true, "You": true, "He": true, "She": true, "They": true,
	"It": true, "The": true, "This": true, "My": true, "Our": true, "Your": true, "Is": true, "Are": true,
	"Can": true, "Could": true, "Would": true, "Will": true, "If": true, "What": true, "When": true, "How": true,
	"Bot": true, "User": true, "Card": true, "SSN": true, "DOB": true}

func isUpperStart(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsUpper(r)
}

func isOrdinal(s string) bool {
	a, b := normByte(s[0]), normByte(s[1])
	return (a == 's' && b == 't' || a == 'n' && b == 'd' || a == 'r' && b == 'd' || a == 't' && b == 'h') &&
		(len(s) == 2 || !isWordByte(s[2]))
}

// lastToken returns the word (letters, digits, UTF-8) that ends s.
func lastToken(s string) string {
	k := len(s)
	for k > 0 && isWordByte(s[k-1]) {
		k--
	}
	return s[k:]
}

// streetLine reports whether s looks like the first line of an address: a
// number and a capitalised (or non-Latin) word, nothing long in lower case.
func streetLine(s string) bool {
	digit, word := false, false
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '>' }) {
		r, _ := utf8.DecodeRuneInString(f)
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case unicode.IsUpper(r) || r >= utf8.RuneSelf && unicode.IsLetter(r):
			word = true
		case len(f) >= 4 && !addrParticles[f]:
			return false
		}
	}
	return digit && word
}

// addrAfterCue reads an address after the cue at [hs, he).
func (s *Scanner) addrAfterCue(text string, hs, he int, sc *scratch) {
	j := he
	for j < len(text) && (text[j] == ' ' || text[j] == ':' || text[j] == '\n' || text[j] == '\t') {
		j++
	}
	if j >= len(text) {
		return
	}
	r, _ := utf8.DecodeRuneInString(text[j:])
	if !(isDigit(text[j]) || unicode.IsUpper(r) || r >= utf8.RuneSelf && unicode.IsLetter(r)) {
		return
	}
	// "Billing address: Sara Schwarz\n 28245 …": a name line first.
	if nl := strings.IndexByte(text[j:min(len(text), j+40)], '\n'); nl > 0 && !strings.ContainsAny(text[j:j+nl], "0123456789") {
		k := j + nl + 1
		for k < len(text) && (text[k] == ' ' || text[k] == '>') {
			k++
		}
		if k < len(text) && isDigit(text[k]) {
			j = k
		}
	}
	end, digit := addrEnd(text, j)
	if !digit || end-j < 6 {
		return
	}
	// The first line must look like a street line, or the address is a
	// bare number and words ("Rua do Arenque 1634, Goiânia").
	first := text[j:end]
	if nl := strings.IndexByte(first, '\n'); nl >= 0 {
		first = first[:nl]
	}
	if !streetLine(first) {
		return
	}
	s.add(sc, StreetAddress, j, end, 0.75, 0, "pii.street_address.cue")
}

// addrFromUnit finds the address around the unit designator at [hs, he):
// back to the start of its street line (the line before, when the unit
// starts a line), forwards over the rest.
func (s *Scanner) addrFromUnit(text string, hs, he int, sc *scratch) {
	// The designator needs a number: "Apt. 4", "Suite 200", "# 12", "Box 9".
	j := he
	for j < len(text) && (text[j] == '.' || text[j] == ' ' || text[j] == '#') {
		j++
	}
	if j >= len(text) || !isDigit(text[j]) || j-he > 3 {
		return
	}
	if !isUpperStart(text[hs:]) && text[hs] != '#' {
		return // "unit 5 of the course"
	}
	ls := lineStart(text, hs)
	start := hs
	if pre := text[ls:hs]; strings.Trim(pre, " \t>") != "" {
		if b := addrStartBack(text, ls, hs); b < hs && streetLine(text[b:hs]) {
			start = b
		}
	} else if ls > 0 {
		pl := lineStart(text, ls-1)
		if prev := text[pl : ls-1]; len(prev) <= 80 && streetLine(prev) {
			start = pl + len(prev) - len(strings.TrimLeft(prev, " \t>"))
		}
	}
	if hs-start > maxAddr {
		start = hs
	}
	end, _ := addrEnd(text, start)
	if end <= j {
		return
	}
	score := 0.55
	if start < hs {
		score = 0.75
	} else if w := normByte(text[hs]); w != 'a' && w != 's' {
		return // "#1 hit", "Unit 5 of the course": only Apt and Suite stand alone
	}
	s.add(sc, StreetAddress, start, end, score, 0, "pii.street_address.unit")
}

// addrStartBack walks back from hs, no further than ls, over the tokens of
// a street line (numbers, capitalised words, particles) and returns where
// the first number or capitalised word of the run begins.
func addrStartBack(text string, ls, hs int) int {
	start := hs
	j := hs
	for j > ls {
		c := text[j-1]
		if c == ' ' || c == ',' || c == '.' || c == '\t' || c == '#' || c == '-' {
			j--
			continue
		}
		k := j
		for k > ls {
			r, size := utf8.DecodeLastRuneInString(text[:k])
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && r != '\'' {
				break
			}
			k -= size
		}
		if k == j {
			break
		}
		w := text[k:j]
		r, _ := utf8.DecodeRuneInString(w)
		switch {
		case isDigit(w[0]) && len(w) <= 6, unicode.IsUpper(r) && !notAddr[w], r >= utf8.RuneSelf && unicode.IsLetter(r) && !unicode.IsUpper(r):
			start = k
		case addrParticles[w]:
		default:
			return start
		}
		j = k
	}
	return start
}

// maxLine bounds how far back a line start is looked for, so that a text
// without line breaks costs no more than one with them.
const maxLine = 160

// lineStart returns the start of the line holding i, or i-maxLine when the
// line is longer than that.
func lineStart(text string, i int) int {
	lo := max(0, i-maxLine)
	if k := strings.LastIndexByte(text[lo:i], '\n'); k >= 0 {
		return lo + k + 1
	}
	return lo
}
