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
var addrParticles = newWordSet(map[string]bool{"de": true, "do": true, "da": true, "dos": true, "das": true, "del": true,
	"la": true, "le": true, "les": true, "du": true, "di": true, "van": true, "von": true, "der": true,
	"den": true, "ter": true, "y": true, "e": true, "str": true, "str.": true, "u": true, "u.": true, "ul": true,
	"ul.": true, "st": true, "st.": true, "apt": true, "apt.": true, "ste": true, "ste.": true, "box": true,
	"unit": true, "suite": true, "and": true, "nan": true, "tér": true, "út": true, "utca": true, "vej": true,
	"gade": true, "of": true, "the": true, "dei": true, "degli": true, "della": true, "delle": true,
	"dello": true, "des": true, "zum": true, "zur": true, "het": true, "rue": true, "rua": true, "calle": true, "viale": true, "piazza": true,
	"avenida": true, "avenue": true, "rkp": true, "rkp.": true, "krt": true, "krt.": true, "útja": true,
	"körút": true, "köz": true, "veien": true, "vegen": true, "gatan": true,
	"vägen": true, "tn": true, "tänav": true, "katu": true, "kuja": true, "polku": true,
	"straße": true, "strasse": true, "weg": true, "gasse": true, "platz": true, "allee": true, "laan": true,
	"straat": true, "plein": true, "gracht": true, "kade": true, "terrasse": true, "stræde": true, "allé": true,
	"torv": true, "kapu": true, "sétány": true, "ulica": true, "al.": true, "al": true, "trg": true,
	"cesta": true, "náměstí": true, "nám.": true, "třída": true})

// streetAbbrevs are abbreviations of four letters and more, whose period
// does not end the sentence: "Avda. Rio Nalon 58".
var streetAbbrevs = map[string]bool{"Avda": true, "avda": true, "Blvd": true, "Pkwy": true, "Bldg": true,
	"Apto": true, "Expy": true, "Tpke": true, "Hwy": true, "Cres": true, "Prom": true, "Plza": true}

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
			k = skipMarks(text, k)
			if k < len(text) && text[k] == '\n' {
				// A blank line ends the address, unless what follows is
				// its last line, a country and postcode ("\n\n Estonia
				// 62488").
				if !digit || !countryLine(text, skipMarks(text, k+1)) {
					return end, digit
				}
				k = skipMarks(text, k+1)
			}
			j = k
			continue
		case c == '.':
			// A period after an abbreviation ("St.", "u.") continues; after
			// a number or a long word, before a space or the end, it ends
			// the sentence.
			w := lastToken(text[i:j])
			if (j+1 >= len(text) || text[j+1] == ' ' || text[j+1] == '\n') && (len(w) >= 4 && !streetAbbrevs[w] || allDigits(w) && j+2 < len(text) && text[j+1] == ' ' && text[j+2] >= 'A' && text[j+2] <= 'Z') {
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
		// A lower-case word goes on only as a particle, or as the kind of
		// street before its number ("Trenerys gate 232", "Luite tee 87").
		if !unicode.IsUpper(r) && r < utf8.RuneSelf && !addrParticles.has(w) && !addrParticles.has(strings.ToLower(w)) &&
			!(k-j <= 12 && k+1 < len(text) && text[k] == ' ' && isDigit(text[k+1])) {
			return end, digit
		}
		if w == "and" && !(k+1 < len(text) && text[k] == ' ' && isUpperStart(text[k+1:])) {
			return end, digit
		}
		if unicode.IsUpper(r) && notAddr.has(w) {
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
var notAddr = newWordSet(map[string]bool{"Phone": true, "Tel": true, "Fax": true, "Email": true, "E-mail": true, "Mobile": true,
	"Cell": true, "Name": true, "Date": true, "Thanks": true, "Thank": true, "Please": true, "Regards": true,
	"Best": true, "Sincerely": true, "I": true, "We": true, "You": true, "He": true, "She": true, "They": true,
	"It": true, "The": true, "This": true, "My": true, "Our": true, "Your": true, "Is": true, "Are": true,
	"Can": true, "Could": true, "Would": true, "Will": true, "If": true, "What": true, "When": true, "How": true,
	"Bot": true, "User": true, "Card": true, "SSN": true, "DOB": true})

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
	s = s[skipMarks(s, 0):]
	fields := strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' || r == '>' })
	for i, f := range fields {
		r, _ := utf8.DecodeRuneInString(f)
		switch {
		case r >= '0' && r <= '9':
			digit = true
		case unicode.IsUpper(r) || r >= utf8.RuneSelf && unicode.IsLetter(r):
			word = true
		case len(f) >= 4 && !addrParticles.has(f) && !(i+1 < len(fields) && isDigit(fields[i+1][0])):
			return false // a word of a sentence, not the street type before a number
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
	// A chat answers the question: "Where would you like this to be sent
	// to? User: 5586 Þórunnarstræti 31".
	if j < len(text) && text[j] == '?' {
		j++
		for j < len(text) && (text[j] == ' ' || text[j] == '\n') {
			j++
		}
		if k := speakerLabel(text[j:min(len(text), j+32)]); k > 0 {
			j += k + 1
			for j < len(text) && text[j] == ' ' {
				j++
			}
		}
	}
	if j >= len(text) {
		return
	}
	r, _ := utf8.DecodeRuneInString(text[j:])
	if !(isDigit(text[j]) || unicode.IsUpper(r) || r >= utf8.RuneSelf && unicode.IsLetter(r)) {
		return
	}
	// "Billing address: Sara Schwarz\n 28245 …": a name line first, the
	// addressee.
	if nl := strings.IndexByte(text[j:min(len(text), j+40)], '\n'); nl > 0 && !strings.ContainsAny(text[j:j+nl], "0123456789") {
		k := j + nl + 1
		k = skipMarks(text, k)
		if k < len(text) && isDigit(text[k]) {
			if s.on(Person) {
				s.nameLine(text, j, sc)
			}
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
	if pre := text[ls:hs]; skipMarks(pre, 0) < len(pre) {
		if b := addrStartBack(text, ls, hs); b < hs && streetLine(text[b:hs]) {
			start = b
		}
	} else if ls > 0 {
		pl := lineStart(text, ls-1)
		if prev := text[pl : ls-1]; len(prev) <= 80 && streetLine(prev) {
			start = skipMarks(text, pl)
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
		case isDigit(w[0]) && len(w) <= 6, unicode.IsUpper(r) && !notAddr.has(w), r >= utf8.RuneSelf && unicode.IsLetter(r) && !unicode.IsUpper(r):
			start = k
		case addrParticles.has(w):
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

// streetShape reads, at the capitalised word at [i, e), a street written
// with its house number after the name, as most of Europe and Latin
// America write it: after a leading house number ("641 Dašická 688") or
// from a word that names a kind of street ("Rua Diadema 1903", "Via dei
// Fiorentini 17").
func (s *Scanner) streetShape(text string, i, e int, sc *scratch) {
	start := i
	if i >= 2 && text[i-1] == ' ' && isDigit(text[i-2]) {
		k := i - 1
		for k > 0 && isDigit(text[k-1]) && i-k < 8 {
			k--
		}
		if k == 0 || !isWordByte(text[k-1]) && text[k-1] != '-' && text[k-1] != '.' && text[k-1] != ':' {
			start = k
		}
	}
	lead := streetTypes.has(text[i:e])
	if !lead && start == i || notStreet.has(text[i:e]) {
		return
	}
	// The name: capitalised words and particles, then the number.
	j, num := e, -1
	for words := 1; words <= 5 && j+1 < len(text) && text[j] == ' '; {
		k := j + 1
		if isDigit(text[k]) {
			d := k
			for d < len(text) && isDigit(text[d]) {
				d++
			}
			if d-k <= 5 && (d == len(text) || !isWordByte(text[d]) || d+1 == len(text) || !isWordByte(text[d+1])) {
				num = d
			}
			break
		}
		w := nextWord(text, k)
		if w == "" || !isUpperStart(w) && !addrParticles.has(w) || notAddr.has(w) || notStreet.has(w) {
			break
		}
		j = k + len(w)
		if j < len(text) && text[j] == '.' {
			j++ // "u.", "Avda."
		}
		words++
	}
	if num < 0 {
		return
	}
	end, _ := addrEnd(text, start)
	s.add(sc, StreetAddress, start, max(end, num), 0.6, 0, "pii.street_address.shape")
}

// streetTypes are the words for a kind of street that come before its name
// in the languages that put the house number last.
var streetTypes = newWordSet(map[string]bool{"Rua": true, "Via": true, "Viale": true, "Calle": true, "Avenida": true,
	"Avda.": true, "Avda": true, "Av.": true, "Rue": true, "Piazza": true, "Piazzale": true, "Largo": true,
	"Strada": true, "Corso": true, "Vicolo": true, "Travessa": true, "Praça": true, "Rambla": true, "Paseo": true,
	"Plaza": true, "Camino": true, "Carrer": true, "Carretera": true, "Estrada": true, "Alameda": true,
	"Ul.": true, "ul.": true, "Ulica": true, "Aleja": true, "Al.": true, "Boulevard": true, "Chemin": true,
	"Allée": true, "Impasse": true, "Quai": true, "Place": true, "Route": true, "Cours": true, "Platz": true,
	"Straße": true, "Strasse": true, "Gasse": true, "Weg": true, "Avenue": true})

// notStreet are capitalised words that number things other than houses:
// "12 Section 4", "Chapter 3".
var notStreet = newWordSet(map[string]bool{"Section": true, "Chapter": true, "Figure": true, "Table": true, "Page": true,
	"Part": true, "Article": true, "Volume": true, "Vol": true, "Room": true, "Floor": true, "Year": true,
	"Grade": true, "Level": true, "Step": true, "Phase": true, "Version": true, "Model": true, "Series": true,
	"Season": true, "Episode": true, "Game": true, "Round": true, "Week": true, "Day": true, "Month": true,
	"Hour": true, "Minute": true, "Class": true, "Unit": true, "Lot": true, "Gate": true, "Terminal": true,
	"Flight": true, "Bus": true, "Line": true, "Apt": true, "Suite": true, "Box": true,
	"PO": true, "Highway": true, "Interstate": true, "Exit": true, "Verse": true, "Psalm": true,
	"Points": true, "Percent": true, "Million": true, "Billion": true, "Dollars": true, "Euros": true})

// addressLines reports an address block laid out on lines of its own (an
// envelope, a letterhead, a signature) line by line: the street line, the
// unit line ("Suite 501") and the country and postcode line ("Estonia
// 62488") each on its own, any other line (the city, a state) with the
// line above it. Only a block that opens with its street line at the start
// of a line is cut; an address inside a sentence stays whole.
func (s *Scanner) addressLines(text string, sc *scratch) {
	n := len(sc.cands)
	for ci := 0; ci < n; ci++ {
		c := sc.cands[ci]
		if c.typ != StreetAddress || c.rule == "pii.street_address.military" ||
			skipMarks(text, lineStart(text, c.start)) != c.start || !isDigit(text[c.start]) {
			continue
		}
		a := c.start
		for b := a; b < c.end; {
			nl := strings.IndexByte(text[b:c.end], '\n')
			if nl < 0 {
				break
			}
			b += nl
			k := skipMarks(text, b+1)
			for k < c.end && text[k] == '\n' {
				k = skipMarks(text, k+1)
			}
			if k >= c.end || !unitLine(text, k) && !countryLine(text, k) {
				b = k
				continue
			}
			if a == c.start {
				sc.cands[ci].end = b
			} else {
				s.add(sc, StreetAddress, a, b, c.score, 0, c.rule)
			}
			a, b = k, k
		}
		if a > c.start {
			s.add(sc, StreetAddress, a, c.end, c.score, 0, c.rule)
		}
	}
}

// unitLine reports whether the line at i opens with a unit designator and
// its number: "Suite 501", "Apt. 3B".
func unitLine(text string, i int) bool {
	w := nextWord(text, i)
	switch strings.ToLower(w) {
	case "apt", "apartment", "suite", "ste", "unit", "room", "floor", "flat", "bldg", "building":
	default:
		return false
	}
	j := i + len(w)
	for j < len(text) && (text[j] == '.' || text[j] == ' ' || text[j] == '#') {
		j++
	}
	return j < len(text) && isDigit(text[j])
}

// countryLine reports whether the line at i is the last line of an
// address block: one to three capitalised words and a postcode, then the
// end of the text or of the line.
func countryLine(text string, i int) bool {
	// At most 48 bytes are read, so that a stream window decides as the
	// whole text does.
	line := text[i:min(len(text), i+49)]
	if k := strings.IndexByte(line, '\n'); k >= 0 {
		line = line[:k]
	}
	f := strings.Fields(line)
	if len(f) < 2 || len(f) > 4 || len(line) > 48 {
		return false
	}
	code := f[len(f)-1]
	if len(code) < 4 || len(code) > 6 || !allDigits(code) {
		return false
	}
	for _, w := range f[:len(f)-1] {
		if !isUpperStart(w) {
			return false
		}
	}
	return true
}
