package guard

import (
	"math/bits"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Family names and the shapes that tell a name of a person from the name
// of a firm, a street or a place built from one: "Castro" alone is a
// person, "Castro Street", "Castro 12", "Jensen Holdings", "Ellis-Ingram"
// and "Glover, Ruiz and Armstrong" are not.

// structure runs the rules that read the candidates found so far: the
// capitalised words (names of the world lists, family-name shapes), the
// line structure of dialogues and contact blocks, coordinations and
// repeated mentions.
func (s *Scanner) structure(text string, sc *scratch) {
	if s.on(Person) || s.on(StreetAddress) {
		s.capitalised(text, sc)
	}
	if s.on(StreetAddress) && strings.IndexByte(text, '\n') >= 0 {
		s.addressLines(text, sc)
	}
	if !s.on(Person) {
		return
	}
	// Speakers and block heads are line structure.
	if strings.IndexByte(text, '\n') >= 0 {
		s.speakers(text, sc)
		s.blockHead(text, sc)
	}
	s.lists(text, sc)
	s.repeats(text, sc)
}

// capitalised looks at every word that starts with a capital letter: a
// given name of worldGivenNames is read as firstName reads the US ones, a
// listed or name-shaped family name as surname, and a street type or a
// word after a house number as a possible street (streetShape). The
// thousands of names are looked up here, per capitalised word, rather than
// in the automaton, whose table they would triple: prose is mostly lower
// case, and sixteen bytes without a capital are skipped at once.
func (s *Scanner) capitalised(text string, sc *scratch) {
	for i := nextCapital(text, 0); i < len(text); i = nextCapital(text, i) {
		c := text[i]
		if !(c >= 'A' && c <= 'Z' || c >= 0xC3 && c <= 0xC5) || i > 0 && (isWordByte(text[i-1]) || text[i-1] == '-' || text[i-1] == '\'') {
			// Not the start of a capitalised word: skip the rest of the word.
			for i++; isWordByte(c) && i < len(text) && isWordByte(text[i]); {
				i++
			}
			continue
		}
		e := i + 1
		for e < len(text) && (isWordByte(text[e]) || text[e] == '\'' && e+1 < len(text) && isLetter(text[e+1])) {
			e++
		}
		w := strings.TrimSuffix(text[i:e], "'s")
		if len(w) >= 2 && (c < 0x80 || isUpperStart(w)) {
			s.capitalWord(text, i, e, w, sc)
		}
		i = e
	}
}

// capitalWord applies the rules of capitalised to the word w at [i, e)
// (w without a possessive "'s").
func (s *Scanner) capitalWord(text string, i, e int, w string, sc *scratch) {
	// Most capitalised words of prose are in no list: the filter says so
	// without a map lookup.
	listed := wordFilter.has(w)
	if s.on(StreetAddress) && (i >= 2 && text[i-1] == ' ' && isDigit(text[i-2]) || listed && streetTypes.has(text[i:e])) {
		s.streetShape(text, i, e, sc)
	}
	var kind uint8
	if listed {
		kind = nameKind[w]
	}
	switch {
	case kind&kindWorldGiven != 0:
		s.firstName(text, i, i+len(w), sc)
	case kind&kindFamily != 0 || len(w) >= 5 && familyShape(w) && !notFamily[w]:
		s.surname(text, i, i+len(w), sc)
	}
}

// nextCapital returns the first index from i of a byte 'A'-'Z' or non-ASCII
// (len(text) when there is none), sixteen bytes at a time.
func nextCapital(text string, i int) int {
	for ; i+16 <= len(text); i += 16 {
		if lo := capitals(text[i : i+8]); lo != 0 {
			return i + bits.TrailingZeros64(lo)/8
		}
		if hi := capitals(text[i+8 : i+16]); hi != 0 {
			return i + 8 + bits.TrailingZeros64(hi)/8
		}
	}
	for ; i < len(text); i++ {
		if c := text[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			return i
		}
	}
	return i
}

// capitals returns, for the eight bytes of t, a word with bit 7 of byte k
// set when t[k] is 'A'-'Z' or not ASCII.
func capitals(t string) uint64 {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	x := uint64(t[0]) | uint64(t[1])<<8 | uint64(t[2])<<16 | uint64(t[3])<<24 |
		uint64(t[4])<<32 | uint64(t[5])<<40 | uint64(t[6])<<48 | uint64(t[7])<<56
	y := x &^ highs
	return ((y+0x3F*ones)&^(y+0x25*ones) | x) & highs
}

// Kinds of listed names.
const (
	kindUSGiven    = 1 << iota // in firstNames (the automaton finds these)
	kindWorldGiven             // in worldGivenNames
	kindFamily                 // in surnames
)

// wordFilter answers, for most words that are not listed names or street
// types, that they are not, without a map lookup: a one-hash Bloom filter
// over the keys of nameKind and streetTypes.
var wordFilter = func() *bloom {
	b := new(bloom)
	for n := range nameKind {
		b.add(n)
	}
	for n := range streetTypes.m {
		b.add(n)
	}
	return b
}()

// bloom is a set of word hashes, one bit each (2^16 bits).
type bloom [1024]uint64

// hash mixes the first four and the last two bytes of w (len(w) >= 2) and
// its length: cheap, and enough to tell names apart from prose words.
func (*bloom) hash(w string) uint32 {
	var h uint32
	for k := 0; k < 4 && k < len(w); k++ {
		h = h<<8 | uint32(w[k])
	}
	h ^= (uint32(w[len(w)-2])<<8 | uint32(w[len(w)-1])) * 0x9E3779B1
	h ^= uint32(len(w)) << 27
	return (h * 0x85EBCA6B) >> 16
}

func (b *bloom) add(w string)      { h := b.hash(w); b[h>>6] |= 1 << (h & 63) }
func (b *bloom) has(w string) bool { h := b.hash(w); return b[h>>6]&(1<<(h&63)) != 0 }

// nameKind maps the capitalised form of every listed name ("Ágnes",
// "Jensen") to its kinds.
var nameKind = func() map[string]uint8 {
	m := map[string]uint8{}
	for _, l := range []struct {
		list string
		kind uint8
	}{{firstNames, kindUSGiven}, {worldGivenNames, kindWorldGiven}, {surnames, kindFamily}} {
		for _, n := range strings.Split(l.list, "|") {
			r, size := utf8.DecodeRuneInString(n)
			m[string(unicode.ToUpper(r))+n[size:]] |= l.kind
		}
	}
	return m
}()

// surname reports a listed family name at [hs, he) written with a capital,
// with the capitalised word before it (the given name) unless that word
// starts the sentence, where any word is capitalised.
func (s *Scanner) surname(text string, hs, he int, sc *scratch) {
	if !isUpperStart(text[hs:]) || allCaps(text[hs:he]) || hyphenated(text, hs, he) {
		return
	}
	// A capitalised word after it makes it part of a longer name ("Castro
	// Valley"); that word's own rules decide.
	if he+1 < len(text) && text[he] == ' ' && isUpperStart(text[he+1:]) || s.notPersonAfter(text, he) {
		return
	}
	if s.coveredBy(sc, Person, hs, he, len(sc.cands)) || s.firm(text, hs, he, sc) || strings.HasSuffix(text[:hs], "& ") {
		return // "Johnson & Johnson"
	}
	start, score := hs, 0.55
	if q := wordBefore(text, hs); q < hs && !sentenceStart(text, q) {
		if w := text[q : hs-1]; isUpperStart(w) && titleCase(w) && !allCaps(w) && !notNames[w] && !orgWords[w] {
			start, score = q, 0.65
		}
	}
	s.add(sc, Person, start, he, score, 0, "pii.person.surname")
}

// notPersonAfter reports whether what follows a name ending at end makes
// it the name of something else: a house number ("Joaquin Suarez 2906"),
// a street or organisation word ("… Street", "… Holdings", "… and Sons",
// "…, Inc."), a place-name particle ("Soto del Barco").
func (s *Scanner) notPersonAfter(text string, end int) bool {
	rest := text[end:min(len(text), end+40)]
	if len(rest) < 2 {
		return false
	}
	if rest[0] == ' ' && (isDigit(rest[1]) || rest[1] == '&') {
		return true
	}
	switch {
	case rest[0] == ' ':
		w := nextWord(rest, 1)
		switch {
		case orgWords[w], isUpperStart(w) && streetWords[strings.ToLower(w)]:
			return true
		case w == "and":
			return firmTails[nextWord(rest, 5)]
		case (w == "del" || w == "de" || w == "da" || w == "do" || w == "di") && len(rest) > len(w)+2:
			return isUpperStart(rest[len(w)+2:])
		}
	case strings.HasPrefix(rest, ", "):
		return firmTails[nextWord(rest, 2)]
	}
	return false
}

// firmTails end a firm's name after "and" or a comma: "Thomas and Sons",
// "Jensen, Inc.".
var firmTails = map[string]bool{"Sons": true, "Brothers": true, "Co": true, "Company": true, "Associates": true,
	"Partners": true, "Inc": true, "LLC": true, "Ltd": true, "Corp": true, "LLP": true, "PLC": true}

// hyphenated reports whether the word at [a, b) is joined by a hyphen to
// a capitalised word: "Ellis-Ingram" is a firm or a double-barrelled name
// the rules for single names must not cut in two.
func hyphenated(text string, a, b int) bool {
	return a >= 2 && text[a-1] == '-' && isLetter(text[a-2]) ||
		b+1 < len(text) && text[b] == '-' && isUpperStart(text[b+1:])
}

// firm reports whether the word at [a, b) is one item of a coordination of
// three or more single capitalised words ("Glover, Ruiz and Armstrong")
// with a family name among them and no word that is only a given name:
// the way law firms and partnerships are named. "Ilsabet, Michael and
// Quorrin" lists people.
func (s *Scanner) firm(text string, a, b int, sc *scratch) bool {
	items := [][2]int{{a, b}}
	// Backwards.
	for p := a; len(items) < 6; {
		q := skipConjBack(text, p)
		if q == p || a-q > maxReach {
			break
		}
		w := wordEndingAt(text, q)
		if w == q || !isUpperStart(text[w:]) {
			break
		}
		if v := wordBefore(text, w); v < w && isUpperStart(text[v:]) && !notNames[text[v:w-1]] {
			break // "… Mary Smith, Jones and Ruiz": not single words
		}
		items = append(items, [2]int{w, q})
		p = w
	}
	// Forwards.
	for e := b; len(items) < 6; {
		j := skipConj(text, e)
		if j == e || j-b > maxReach || !isUpperStart(text[j:]) {
			break
		}
		k := j
		for k < len(text) {
			r, size := utf8.DecodeRuneInString(text[k:])
			if !unicode.IsLetter(r) {
				break
			}
			k += size
		}
		if k < len(text) && text[k] == ' ' && isUpperStart(text[k+1:]) && !orgWords[nextWord(text, k+1)] {
			break // "… and Abt Associates" ends a firm; "… and Mary Smith" is a person
		}
		items = append(items, [2]int{j, k})
		e = k
	}
	if len(items) < 3 || !strings.Contains(text[max(0, a-maxReach):min(len(text), b+maxReach)], ",") {
		return false
	}
	family := false
	for _, it := range items {
		kind := nameKind[text[it[0]:it[1]]]
		given, fam := kind&(kindUSGiven|kindWorldGiven) != 0, kind&kindFamily != 0 || familyShape(text[it[0]:it[1]])
		if given && !fam {
			return false
		}
		family = family || fam && !given
	}
	return family
}

// nextWord returns the letters at i ("" past the end).
func nextWord(text string, i int) string {
	if i >= len(text) {
		return ""
	}
	k := i
	for k < len(text) {
		r, size := utf8.DecodeRuneInString(text[k:])
		if !unicode.IsLetter(r) {
			break
		}
		k += size
	}
	return text[i:k]
}

// orgWords are the words that make a name the name of an organisation.
var orgWords = map[string]bool{"Inc": true, "Inc.": true, "LLC": true, "Ltd": true, "Ltd.": true, "Corp": true,
	"Corp.": true, "Corporation": true, "Company": true, "Co": true, "Co.": true, "Group": true, "Holdings": true,
	"Partners": true, "Associates": true, "Sons": true, "Brothers": true, "Bank": true, "Foundation": true,
	"Agency": true, "Investments": true, "Technologies": true, "Solutions": true, "Consulting": true,
	"Industries": true, "Orchestra": true, "University": true, "College": true, "Institute": true,
	"Hospital": true, "Enterprises": true, "Systems": true, "Services": true, "International": true,
	"Capital": true, "Media": true, "Labs": true, "Motors": true, "Airlines": true, "Insurance": true,
	"LLP": true, "PLC": true, "GmbH": true, "AG": true, "Law": true, "Ventures": true, "Analytics": true,
	"Networks": true, "Software": true, "Pharmaceuticals": true, "Trust": true, "Fund": true, "Club": true}

// streetWords are the street suffixes, for telling "Isaac Lodge Street"
// from a person.
var streetWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Split(streetSuffixes, "|") {
		m[w] = true
	}
	return m
}()

// wordBefore returns the start of the word (letters, hyphens, apostrophes)
// that ends one space before i, or i when there is none.
func wordBefore(text string, i int) int {
	if i < 2 || text[i-1] != ' ' {
		return i
	}
	if q := wordEndingAt(text, i-1); q < i-1 {
		return q
	}
	return i
}

// wordEndingAt returns the start of the word that ends at e (e itself when
// none does).
func wordEndingAt(text string, e int) int {
	q := e
	for q > 0 && e-q < 40 {
		r, size := utf8.DecodeLastRuneInString(text[:q])
		if !unicode.IsLetter(r) && r != '-' && r != '\'' {
			break
		}
		q -= size
	}
	return q
}

// sentenceStart reports whether the word at i opens a sentence, a line or
// the text: nothing but spaces, quotes and list markers since the last
// full stop, question or exclamation mark, colon or line break.
func sentenceStart(text string, i int) bool {
	for k := i - 1; k >= 0 && i-k < maxReach; k-- {
		switch text[k] {
		case ' ', '\t', '"', '\'', '(', '*', '-', '>':
			continue
		case '.', '!', '?', '\n', ':':
			return true
		default:
			return false
		}
	}
	return true
}

// allCaps reports whether w has two or more letters, all upper case.
func allCaps(w string) bool {
	n := 0
	for _, r := range w {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			n++
		}
	}
	return n >= 2
}

// familyShape reports whether w ends (or begins) the way family names of
// one language or another do.
func familyShape(w string) bool {
	n := len(w)
	if n > 3 && (w[0] == 'M' && w[1] == 'c' && w[2] >= 'A' && w[2] <= 'Z' || w[0] == 'O' && w[1] == '\'' && w[2] >= 'A' && w[2] <= 'Z') {
		return true // McDowell, O'Brien
	}
	has := func(suf string, min int) bool { return n >= min && strings.HasSuffix(w, suf) }
	switch w[n-1] {
	case 'n':
		return has("sson", 6) || has("sen", 6) || has("nen", 6) || has("yan", 7)
	case 'v':
		return has("ov", 5) || has("ev", 5)
	case 'a':
		return has("ova", 6) || has("eva", 6) || has("ska", 6) || has("cka", 6) || has("eira", 7) || has("mura", 6) || has("shita", 7)
	case 'i':
		return has("ski", 6) || has("cki", 6) || has("shvili", 8) || has("elli", 6) || has("etti", 6) || has("ucci", 6) || has("ini", 6) || has("uchi", 6)
	case 'y':
		return has("sky", 6)
	case 'z':
		return has("ez", 5) || has("wicz", 6)
	case 'h':
		return has("vich", 6)
	case 'u':
		return has("escu", 6) || has("eanu", 6) || has("oglu", 6) || has("oğlu", 6)
	case 's':
		return has("poulos", 8) || has("akis", 6) || has("idis", 6)
	case 'e':
		return has("dze", 6)
	case 'r':
		return has("dóttir", 7) || has("dottir", 7) || has("dotter", 7)
	case 'o':
		return has("enko", 6) || has("moto", 6)
	case 'k':
		return has("chuk", 6) || has("czyk", 6)
	case 0x87: // ć
		return has("ić", 5)
	case 0xA1: // á
		return has("ová", 6) || has("ská", 6) || has("cká", 6)
	case 0xBD: // ý
		return has("ský", 6) || has("cký", 6) || has("ný", 6)
	}
	return false
}

// notFamily are words of family-name shape that are places, things and
// English words.
var notFamily = map[string]bool{"Geneva": true, "Padova": true, "Moldova": true, "Casanova": true,
	"Terranova": true, "Cordova": true, "Supernova": true, "Villanova": true, "Alaska": true, "Nebraska": true,
	"Athabaska": true, "Madeira": true, "Martini": true, "Panini": true, "Bikini": true, "Zucchini": true,
	"Lamborghini": true, "Gemini": true, "Tortellini": true, "Whisky": true, "Rostov": true, "Kharkov": true,
	"Saratov": true, "Tambov": true, "Pskov": true, "Chosen": true, "Loosen": true, "Worsen": true,
	"Lessen": true, "Spaghetti": true, "Confetti": true, "Linguini": true, "Fettuccini": true}
