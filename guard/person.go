package guard

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Person names without a model. Four general rules, each scored below the
// validated types:
//   - a cue before the name: "my name is", "Mr.", "Dear", "patient",
//     "Name:", a signature ("Regards,") — person;
//   - a common US given name (names.go), capitalised, with the capitalised
//     words after it as the surname — firstName;
//   - capitalised words just before a verb that takes a person as subject
//     ("… lives at", "… was born", "… said") — beforeCue;
//   - a word already reported as part of a name, written again elsewhere
//     in the same text ("Harris" after "Mrs. Harris") — repeats.

// Every rule reads a bounded neighbourhood, so that a stream redactor,
// which scans a window of the text, decides as a scan of the whole text
// does (see MinHoldBack): maxReach bounds how far a rule reads from the
// candidate it extends, maxRepeat how far apart two mentions of a name or
// two dialogue labels may be.
const (
	maxReach  = 96
	maxRepeat = 160
)

// lowerCues introduce a name even in a text written all in lower case.
var lowerCues = map[string]bool{"my name is": true, "name is": true, "my name's": true, "name:": true,
	"call me": true, "calls me": true}

// strongCues introduce a name by themselves; the others need two
// capitalised words.
var strongCues = map[string]bool{"my name is": true, "my name's": true, "name is": true, "name:": true,
	"mr": true, "mr.": true, "mrs": true, "mrs.": true, "ms": true, "ms.": true, "miss": true, "dr": true, "dr.": true,
	"prof.": true, "professor": true, "dear": true, "signed,": true, "sincerely,": true, "regards,": true,
	"patient": true, "patient:": true, "named": true, "called": true, "attn:": true, "attention:": true, "contact:": true,
	"full name:": true, "first name:": true, "last name:": true, "customer name:": true, "patient name:": true,
	"employee name:": true, "plaintiff": true, "defendant": true, "applicant:": true, "beneficiary:": true,
	"i am": true, "i'm": true, "this is": true, "hi": true, "hello": true, "thanks,": true, "mx.": true, "sir": true,
	"my son": true, "my daughter": true, "my kid": true, "my wife": true, "my husband": true, "my brother": true,
	"my sister": true, "my mother": true, "my father": true, "my mom": true, "my dad": true, "my friend": true,
	"my colleague": true, "my boss": true, "my manager": true, "my uncle": true, "my aunt": true, "my cousin": true,
	"my nephew": true, "my niece": true, "my grandson": true, "my granddaughter": true, "my neighbor": true,
	"my neighbour": true, "my partner": true, "my client": true, "founders:": true, "directed by": true,
	"written by": true, "starring": true, "name?": true, "call me": true, "calls me": true, "named him": true,
	"named her": true, "call him": true, "call her": true, "calls him": true, "calls her": true,
	"name on the account": true}

// notNames are capitalised words that end a name.
var notNames = map[string]bool{"The": true, "I": true, "A": true, "An": true, "And": true, "Phone": true, "Mobile": true,
	"Email": true, "E-mail": true, "Address": true, "Fax": true, "Desk": true, "Office": true, "My": true, "Thanks": true,
	"Please": true, "Dear": true, "Hi": true, "Hello": true, "Is": true, "In": true, "On": true, "At": true, "Of": true,
	"From": true, "To": true, "Your": true, "This": true, "That": true, "It": true, "We": true, "You": true, "He": true,
	"She": true, "They": true, "Sir": true, "Madam": true, "Team": true, "Customer": true, "Support": true, "Service": true,
	"Name": true, "Date": true, "Tel": true, "Cell": true, "Work": true, "Home": true, "Personal": true, "Info": true,
	"Ok": true, "OK": true, "Yes": true, "No": true, "Not": true, "So": true, "But": true, "For": true, "With": true,
	"Going": true, "Here": true, "There": true, "What": true, "Who": true, "Why": true, "How": true, "When": true,
	"Where": true, "Which": true, "Everyone": true, "Everybody": true, "Someone": true, "Somebody": true, "Nobody": true,
	"Anyone": true, "His": true, "Her": true, "Their": true, "Our": true, "Its": true, "Then": true, "Now": true,
	"Today": true, "Yesterday": true, "Tomorrow": true, "Mr": true, "Mrs": true, "Ms": true, "Dr": true, "Inc": true,
	"LLC": true, "Ltd": true, "Corp": true, "Company": true, "University": true, "Street": true, "Road": true,
	"Avenue": true, "Monday": true, "Tuesday": true, "Wednesday": true, "Thursday": true, "Friday": true,
	"Saturday": true, "Sunday": true, "God": true, "Mom": true, "Dad": true, "If": true, "As": true, "Or": true,
	"All": true, "Some": true, "One": true, "Also": true, "After": true, "Before": true, "Since": true, "While": true,
	"I'm": true, "I've": true, "I'd": true, "I'll": true, "Sons": true, "Brothers": true, "Partners": true,
	"Associates": true, "Later": true, "Earlier": true, "Finally": true, "Meanwhile": true, "However": true,
	"Still": true, "Even": true, "Only": true, "Just": true, "Maybe": true, "Perhaps": true, "Suddenly": true,
	"Recently": true, "Eventually": true, "Instead": true, "Again": true, "Once": true, "Soon": true, "Group": true,
	"Holdings": true, "Co": true, "Bank": true, "Agency": true, "Foundation": true, "Apt": true, "Suite": true,
	"Ste": true, "Unit": true, "Room": true, "Floor": true, "Bldg": true, "Box": true}

// readCapWords reads up to maxWords capitalised words (or initials "J.")
// from j, separated by single spaces; it returns the end of the last one
// and how many words of two or more letters it read.
func readCapWords(text string, j, maxWords int) (end, words, long int) {
	end = j
	for words < maxWords && j < len(text) {
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
		for k > j+size && (text[k-1] == '\'' || text[k-1] == '-') {
			k--
		}
		w := text[j:k]
		// A lone capital after a name is a middle initial, even "A" or "I".
		initial := words > 0 && k-j == size && k+1 < len(text) && text[k] == ' ' && isUpperStart(text[k+1:])
		if !initial && (notNames[w] || strings.HasSuffix(w, "'s") && notNames[w[:len(w)-2]]) {
			break
		}
		// A digit or '@' glued to the word: not a name.
		if k < len(text) && (isDigit(text[k]) || text[k] == '@') {
			break
		}
		if k < len(text) && text[k] == '.' && k-j == size {
			k++ // initial "J."
		} else if k-j > size {
			long++
		} else if !(k < len(text) && text[k] == ' ') {
			break
		}
		words++
		end = k
		if strings.HasSuffix(w, "'s") {
			break // "Yefremova's Cautionary Tales": the name ends at the possessive
		}
		if k+1 < len(text) && text[k] == ' ' {
			j = k + 1
			continue
		}
		break
	}
	if end > j && strings.HasSuffix(text[:end], "'s") {
		end -= 2 // "Jennifer's daughter": the name without the possessive
	}
	return end, words, long
}

// person reads the capitalised words after a cue at [hs, he).
func (s *Scanner) person(text string, hs, he int, cue string, sc *scratch) {
	// Titles need a following space or period; "dr" of an address is not a cue.
	j := he
	if j < len(text) && text[j] == '.' && !strings.HasSuffix(cue, ".") {
		j++
	}
	for j < len(text) && (text[j] == ' ' || text[j] == ':' || text[j] == '\n' && (strings.HasSuffix(cue, ",") || strings.HasSuffix(cue, ":"))) {
		j++
	}
	// A question for a name answered in a chat: "What's the name on the
	// account? User: Vilma Holm".
	if j < len(text) && text[j] == '?' && strings.Contains(cue, "name") {
		j++
		for j < len(text) && (text[j] == ' ' || text[j] == '\n') {
			j++
		}
		k := speakerLabel(text[j:min(len(text), j+32)])
		if k == 0 && strings.HasPrefix(text[j:], "User:") {
			k = len("User") // a field label elsewhere, the speaker here
		}
		if k > 0 {
			j += k + 1
			for j < len(text) && text[j] == ' ' {
				j++
			}
		}
	}
	if j == he && !strings.HasSuffix(cue, ":") {
		return
	}
	end, _, long := readCapWords(text, j, 4)
	if long == 0 && lowerCues[cue] && lowerAround(text, j) {
		end, long = lowerWords(text, j, 2), 1
	}
	if long == 0 || end <= j {
		return
	}
	score := 0.4
	if strongCues[cue] || long >= 2 {
		score = 0.7
	}
	// "…, says Okafor." — a reporting verb and a single name that ends the
	// clause.
	if (cue == "says" || cue == "said") && long == 1 && end < len(text) && (strings.IndexByte(".,!?\"", text[end]) >= 0 ||
		strings.HasPrefix(text[end:], " to ") && isUpperStart(text[end+4:])) {
		score = 0.6 // "…, says Okafor." and "said Gladys to Logan"
	}
	s.add(sc, Person, j, end, score, 0, "pii.person.cue")
}

// placePrefix are the words that make a place of the name after them.
var placePrefix = map[string]bool{"San": true, "Santa": true, "Santo": true, "São": true, "Saint": true, "St": true,
	"Sainte": true, "Sankt": true, "Fort": true, "Port": true, "Porto": true, "Puerto": true, "Mount": true, "Mt": true,
	"Lake": true, "Cape": true, "Villa": true, "Ciudad": true, "North": true, "South": true, "East": true, "West": true,
	"New": true, "Isla": true, "Bad": true}

// initials are the dotted middle initials "A." to "Z.".
const initials = "a.|b.|c.|d.|e.|f.|g.|h.|i.|j.|k.|l.|m.|n.|o.|p.|q.|r.|s.|t.|u.|v.|w.|x.|y.|z."

// initial reports "Given X. Family": a capital initial with a period
// between two title-case words is a name in running text.
func (s *Scanner) initial(text string, hs int, sc *scratch) {
	if c := text[hs]; c < 'A' || c > 'Z' || hs < 3 || text[hs-1] != ' ' || hs+3 >= len(text) || text[hs+2] != ' ' {
		return
	}
	// The word before.
	q := hs - 1
	for q > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:q])
		if !unicode.IsLetter(r) && r != '-' {
			break
		}
		q -= size
	}
	if hs-1-q < 2 || !titleCase(text[q:hs-1]) || !isUpperStart(text[q:]) || notNames[text[q:hs-1]] {
		return
	}
	end, words, long := readCapWords(text, hs+3, 2)
	if words == 0 || long == 0 || !titleCase(text[hs+3:end]) {
		return
	}
	s.add(sc, Person, q, end, 0.65, 0, "pii.person.initial")
}

// firstName reports a capitalised common given name at [hs, he), with the
// capitalised words after it (the surname, a middle initial).
func (s *Scanner) firstName(text string, hs, he int, sc *scratch) {
	if c := text[hs]; c < 'A' || c > 'Z' {
		// In a text written all in lower case ("chat style") capitals say
		// nothing, and a listed given name stands on its own.
		if c >= 'a' && c <= 'z' && lowerAround(text, hs) && !lowerAmbiguous[text[hs:he]] {
			s.add(sc, Person, hs, he, 0.55, 0, "pii.person.first_name_lower")
		}
		return
	}
	// An all-capitals word is a heading or an acronym more often than a name.
	if he-hs > 1 && text[hs+1] >= 'A' && text[hs+1] <= 'Z' {
		return
	}
	// "Anne-Marie" is one hit of its own; "Fritz-Armstrong" is a firm;
	// "Santa Ana" and "Port Louis" are places.
	if q := wordBefore(text, hs); hyphenated(text, hs, he) || q < hs && placePrefix[text[q:hs-1]] {
		return
	}
	end := he
	if he+1 < len(text) && text[he] == ' ' {
		if e, words, _ := readCapWords(text, he+1, 3); words > 0 {
			end = e
		}
	}
	// "Russell Investments", "Isaac Lodge Street", "Jana Nerudy 894",
	// "Thomas and Sons": the name of a firm or a street.
	for _, w := range strings.Fields(text[he:end]) {
		if orgWords[w] {
			return
		}
	}
	if s.notPersonAfter(text, end) || end == he && s.firm(text, hs, he, sc) {
		return
	}
	score := 0.6
	if end > he {
		score = 0.7
	}
	s.add(sc, Person, hs, end, score, 0, "pii.person.first_name")
}

// personAfter are verbs whose subject is usually a person: capitalised
// words right before them are taken as a name.
const personAfter = "lives at|lives in|lived at|lived in|was born|is born|works at|works for|worked at|worked for|" +
	"said|says|told|asked|replied|answered|shouted|whispered|wrote|emailed|texted|called me|" +
	"died|passed away|married|divorced|graduated|studied|spent|joined|moved to|resides|resided|" +
	"is a patient|was admitted|was diagnosed|was arrested|was charged|was hired|was fired|was promoted|" +
	"and his wife|and her husband|and his|and her|'s husband|'s wife|'s son|'s daughter|'s mother|'s father|" +
	"'s address|'s phone|'s email|'s ssn|'s date of birth|'s birthday|'s killer|'s killers|'s murder|'s death|" +
	"'s funeral|'s kid|'s kids|'s children|'s family|'s parents|'s lawyer|'s widow|'s girlfriend|'s boyfriend|" +
	"lives on|lived on|is from|was from|comes from|began writing|began working|began her|began his|" +
	"will be talking|will be speaking|is speaking|is talking|" +
	// A single word that opens a sentence and addresses someone: "Kuba,
	// can I please speak to your boss?"
	", can i|, can you|, could you|, could i|, would you|, will you|, do you|, are you|, have you|, please"

// beforeCue reads one to three capitalised words ending right before the
// cue at hs.
func (s *Scanner) beforeCue(text string, hs int, sc *scratch) {
	if text[hs] == ',' {
		s.vocative(text, hs, sc)
		return
	}
	e := hs
	if e > 0 && text[e-1] == ' ' {
		e--
	} else if e == 0 || text[hs] != '\'' {
		return
	}
	// "Kristíana Valbergsdóttir, the cinematographer, said": skip the
	// apposition.
	if e > 0 && text[e-1] == ',' {
		lo := max(0, e-64)
		k := max(strings.LastIndex(text[lo:e-1], ", the "), strings.LastIndex(text[lo:e-1], ", a "))
		if k < 0 {
			return
		}
		e = lo + k
	}
	// Walk back over words.
	b, words := e, 0
	for words < 3 {
		q := b
		for q > 0 && e-q < maxReach {
			r, size := utf8.DecodeLastRuneInString(text[:q])
			if !unicode.IsLetter(r) && r != '\'' && r != '-' {
				break
			}
			q -= size
		}
		if q == b || e-q >= maxReach {
			break
		}
		r, _ := utf8.DecodeRuneInString(text[q:])
		if !unicode.IsUpper(r) || notNames[text[q:b]] {
			break
		}
		b = q
		words++
		if q > 0 && text[q-1] == ' ' && q > 1 {
			r, _ := utf8.DecodeLastRuneInString(text[:q-1])
			if unicode.IsLetter(r) {
				b2 := q - 1
				// Only continue if the word before is also capitalised.
				q2 := b2
				for q2 > 0 {
					r, size := utf8.DecodeLastRuneInString(text[:q2])
					if !unicode.IsLetter(r) {
						break
					}
					q2 -= size
				}
				if r2, _ := utf8.DecodeRuneInString(text[q2:]); unicode.IsUpper(r2) && !notNames[text[q2:b2]] {
					b = b2
					continue
				}
			}
		}
		break
	}
	if words == 0 || e-b < 3 {
		return
	}
	score := 0.55
	if words > 1 {
		score = 0.65
	}
	s.add(sc, Person, b, e, score, 0, "pii.person.before_cue")
}

// vocative reports the single capitalised word that opens a sentence and
// is followed by the comma at hs and a request ("Kuba, can I …?"): the
// name of the person addressed. Interjections and adverbs ("Okay,",
// "Honestly,") and the names of assistants are not people.
func (s *Scanner) vocative(text string, hs int, sc *scratch) {
	q := wordEndingAt(text, hs)
	w := text[q:hs]
	if hs-q < 2 || !isUpperStart(w) || !titleCase(w) || allCaps(w) || !sentenceStart(text, q) ||
		notNames[w] || notAddressee[w] || strings.HasSuffix(w, "ly") || strings.ContainsAny(w, "'-") {
		return
	}
	s.add(sc, Person, q, hs, 0.55, 0, "pii.person.vocative")
}

// notAddressee are words that open a sentence before a comma and are not
// names: interjections, discourse words, forms of address, assistants.
var notAddressee = map[string]bool{"Okay": true, "Sorry": true, "Well": true, "Hey": true, "Sure": true,
	"Great": true, "First": true, "Second": true, "Third": true, "Next": true, "Look": true, "Listen": true,
	"Wait": true, "Oh": true, "Ah": true, "Hmm": true, "Alright": true, "Fine": true, "Cool": true, "Nice": true,
	"Right": true, "Anyway": true, "Besides": true, "Otherwise": true, "Therefore": true, "Thus": true,
	"Hence": true, "Overall": true, "Regardless": true, "Nevertheless": true, "Nonetheless": true,
	"Guys": true, "Folks": true, "Friend": true, "Friends": true, "Buddy": true, "Dude": true, "Bro": true,
	"Man": true, "Boss": true, "Doctor": true, "Doc": true, "Officer": true, "Honey": true, "Babe": true,
	"Baby": true, "Darling": true, "Sweetie": true, "Mommy": true, "Daddy": true, "Grandma": true,
	"Grandpa": true, "Siri": true, "Alexa": true, "Cortana": true, "Gemini": true, "Copilot": true, "Bard": true,
	"Bing": true, "Google": true, "Assistant": true, "Computer": true, "Chatbot": true, "Bot": true,
	"Now": true, "Also": true, "Again": true, "Yes": true, "No": true, "Please": true, "Thanks": true,
	"Seriously": true, "Hello": true, "Hi": true, "Sir": true, "Madam": true, "Ma'am": true, "Lastly": true,
	"Additionally": true, "Furthermore": true, "Moreover": true, "Instead": true, "Meanwhile": true}

// repeats reports, for every word of a person candidate found so far, its
// other capitalised occurrences within maxRepeat bytes: a name is written
// more than once, and often by surname alone the second time.
func (s *Scanner) repeats(text string, sc *scratch) {
	n := len(sc.cands)
	ti := typeIndex(Person)
	for ci := 0; ci < n; ci++ {
		c := sc.cands[ci]
		if c.typ != Person || c.score < s.thresh[ti] {
			continue
		}
		lo, hi := max(0, c.start-maxRepeat), min(len(text), c.end+maxRepeat)
		// The whole name again ("> Mijail C Adomo" twice in a signature),
		// then each of its words alone.
		if name := text[c.start:c.end]; strings.IndexByte(name, ' ') > 0 {
			s.repeat(text, sc, name, lo, hi, c.start, c.end)
		}
		for _, w := range strings.Fields(text[c.start:c.end]) {
			w = strings.TrimSuffix(w, ".")
			if len(w) < 3 || notNames[w] {
				continue
			}
			s.repeat(text, sc, w, lo, hi, c.start, c.end)
		}
	}
}

// repeat reports the whole-word occurrences of name in text[lo:hi] outside
// [start, end) that no person candidate covers yet.
func (s *Scanner) repeat(text string, sc *scratch, name string, lo, hi, start, end int) {
	for off := lo; off < hi; {
		k := strings.Index(text[off:hi], name)
		if k < 0 {
			break
		}
		a, b := off+k, off+k+len(name)
		off = b
		if a >= start && b <= end || a > 0 && isWordByte(text[a-1]) || b < len(text) && isWordByte(text[b]) {
			continue
		}
		if !s.coveredBy(sc, Person, a, b, len(sc.cands)) {
			s.add(sc, Person, a, b, 0.6, 0, "pii.person.repeat")
		}
	}
}

// lists extends person candidates over a coordination: in "Kónya, Becker
// and Vasquez" or "Marrero and Murphy", the capitalised items next to a
// name are names too. It walks outwards from each candidate, one item at a
// time, over ", ", " and ", " & " and ", and ".
func (s *Scanner) lists(text string, sc *scratch) {
	ti := typeIndex(Person)
	n := len(sc.cands) // items found here do not start lists of their own
	for i := 0; i < n; i++ {
		c := sc.cands[i]
		if c.typ != Person || c.score < s.thresh[ti] {
			continue
		}
		// Forwards.
		for e := c.end; ; {
			j := skipConj(text, e)
			if j == e || j-c.end > maxReach {
				break
			}
			end, words, long := readCapWords(text, j, 3)
			if words == 0 || long == 0 {
				break
			}
			if !s.coveredBy(sc, Person, j, end, len(sc.cands)) {
				s.add(sc, Person, j, end, 0.55, 0, "pii.person.list")
			}
			e = end
		}
		// Backwards.
		for b := c.start; ; {
			a := skipConjBack(text, b)
			if a == b || c.start-a > maxReach {
				break
			}
			q := a
			for q > 0 {
				r, size := utf8.DecodeLastRuneInString(text[:q])
				if !unicode.IsLetter(r) && r != '\'' && r != '-' {
					break
				}
				q -= size
			}
			r, _ := utf8.DecodeRuneInString(text[q:])
			if q == a || !unicode.IsUpper(r) || notNames[text[q:a]] || a-q < 2 {
				break
			}
			if !s.coveredBy(sc, Person, q, a, len(sc.cands)) {
				s.add(sc, Person, q, a, 0.55, 0, "pii.person.list")
			}
			b = q
		}
	}
}

var conjs = [...]string{", and ", " and ", " & ", ", "}

func skipConj(text string, e int) int {
	for _, c := range conjs {
		if strings.HasPrefix(text[e:], c) {
			return e + len(c)
		}
	}
	return e
}

func skipConjBack(text string, b int) int {
	for _, c := range conjs {
		if strings.HasSuffix(text[:b], c) {
			return b - len(c)
		}
	}
	return b
}

// coveredBy reports whether one of the first n candidates of type t covers
// [a, b).
func (s *Scanner) coveredBy(sc *scratch, t Type, a, b, n int) bool {
	for i := 0; i < n && i < len(sc.cands); i++ {
		c := &sc.cands[i]
		if c.typ == t && c.start <= a && c.end >= b {
			return true
		}
	}
	for i := n; i < len(sc.cands); i++ {
		c := &sc.cands[i]
		if c.typ == t && c.start == a && c.end == b {
			return true
		}
	}
	return false
}

// fieldLabels are line labels ("Note: …") that are not speakers.
var fieldLabels = map[string]bool{"Name": true, "Address": true, "Phone": true, "Email": true, "Note": true,
	"Notes": true, "Date": true, "Subject": true, "Q": true, "A": true, "User": true, "Bot": true, "Answer": true,
	"Question": true, "Example": true, "Step": true, "Tip": true, "Warning": true, "Summary": true, "Title": true,
	"Re": true, "Fw": true, "Fwd": true, "To": true, "From": true, "Cc": true, "Website": true, "Tel": true,
	"Fax": true, "Mobile": true, "Error": true, "Output": true, "Input": true, "System": true, "Assistant": true,
	"Human": true, "AI": true, "Agent": true, "Customer": true, "Support": true, "Update": true, "Edit": true,
	"Source": true, "Status": true, "Total": true, "Result": true, "Results": true, "Task": true, "Context": true,
	"Instructions": true, "Response": true, "Reply": true, "Comment": true, "Comments": true, "Important": true,
	"Reminder": true, "Hint": true, "Solution": true, "Problem": true, "Rule": true, "Rules": true, "Location": true,
	"Time": true, "Price": true, "Type": true, "Category": true, "Description": true, "Details": true}

// speakers reports the speaker labels of a dialogue: when two lines close
// together start with one capitalised word and a colon ("Carla: You saved
// my life!"), those words are names. A single such line is too often a
// field. Closeness, not the whole text, decides, so that a stream window
// decides as the whole text does.
func (s *Scanner) speakers(text string, sc *scratch) {
	prev := [2]int{-1, -1}
	prevAdded := false
	for ls := 0; ls < len(text); {
		le := strings.IndexByte(text[ls:], '\n')
		if le < 0 {
			le = len(text)
		} else {
			le += ls
		}
		if e := speakerLabel(text[ls:le]); e > 0 {
			cur := [2]int{ls, ls + e}
			added := false
			if prev[0] >= 0 && cur[0]-prev[0] <= maxRepeat {
				if !prevAdded {
					s.add(sc, Person, prev[0], prev[1], 0.6, 0, "pii.person.speaker")
				}
				s.add(sc, Person, cur[0], cur[1], 0.6, 0, "pii.person.speaker")
				added = true
			}
			prev, prevAdded = cur, added
		}
		ls = le + 1
	}
}

// speakerLabel returns the length of a "Name:" label that starts line, or 0.
func speakerLabel(line string) int {
	r, size := utf8.DecodeRuneInString(line)
	if !unicode.IsUpper(r) {
		return 0
	}
	k := size
	for k < len(line) {
		r, sz := utf8.DecodeRuneInString(line[k:])
		if !unicode.IsLetter(r) {
			break
		}
		k += sz
	}
	if k < 2 || k > 24 || k+1 >= len(line) || line[k] != ':' || line[k+1] != ' ' && line[k+1] != '"' {
		return 0
	}
	if fieldLabels[line[:k]] || notNames[line[:k]] || strings.ToUpper(line[:k]) == line[:k] {
		return 0
	}
	return k
}

// blockHead reports the first line of a contact block: when an address or
// phone number was found, a line of two or three title-case words that
// opens the block (at the start of the text, after a blank line or a
// quoted-reply marker) within the four lines above it is the person's name.
func (s *Scanner) blockHead(text string, sc *scratch) {
	n := len(sc.cands)
	last := -1
	firstLine := false // the text's first line was tried
	for i := 0; i < n; i++ {
		c := sc.cands[i]
		if c.typ != StreetAddress && c.typ != Phone && c.typ != Email || c.score < s.thresh[typeIndex(c.typ)] {
			continue
		}
		// Start of the block: the start of the text or the line after a
		// blank one, at most four lines up.
		ls := lineStart(text, c.start)
		head := ls == 0
		for k := 0; k < 4 && !head && ls > 0 && text[ls-1] == '\n'; k++ {
			pl := lineStart(text, ls-1)
			if skipMarks(text[pl:ls-1], 0) == ls-1-pl {
				head = true
				break
			}
			ls = pl
			head = ls == 0
		}
		// A letterhead or signature: the first line of a text that holds
		// contact details is the sender's name.
		if !firstLine {
			firstLine = true
			if le := strings.IndexByte(text, '\n'); le > 0 && le < 48 && c.start <= maxReach+32 {
				s.nameLine(text, 0, sc)
			}
		}
		if !head || ls <= last {
			continue
		}
		last = ls
		// When the block opens with the address itself, the name is the
		// one-line paragraph above it ("Satu Elomo\n\n45818 …").
		if ls == lineStart(text, c.start) && ls > 0 {
			k := ls - 1
			for k > 0 && (text[k-1] == '\n' || text[k-1] == ' ' || text[k-1] == '\r') {
				k--
			}
			if pl := lineStart(text, k); pl == 0 || text[pl-1] == '\n' && (pl < 2 || text[pl-2] == '\n') {
				ls = pl
			}
		}
		if c.start-ls <= maxReach+32 {
			s.nameLine(text, ls, sc)
		}
	}
}

// nameLine reports the line at ls when it is nothing but two or three
// title-case words (a middle initial allowed).
func (s *Scanner) nameLine(text string, ls int, sc *scratch) {
	j := skipMarks(text, ls)
	le := strings.IndexByte(text[j:], '\n')
	if le < 0 {
		return
	}
	line := strings.TrimRight(text[j:j+le], " \r,")
	end, words, long := readCapWords(line, 0, 3)
	if end != len(line) || words < 2 || long < 2 || !titleCase(line) {
		return
	}
	if !s.coveredBy(sc, Person, j, j+end, len(sc.cands)) {
		s.add(sc, Person, j, j+end, 0.6, 0, "pii.person.block_head")
	}
}

// titleCase reports whether every word of s has a lower-case letter after
// its first (an initial may stand alone).
func titleCase(s string) bool {
	for _, w := range strings.Fields(s) {
		w = strings.TrimSuffix(w, ".")
		if utf8.RuneCountInString(w) < 2 {
			continue
		}
		_, size := utf8.DecodeRuneInString(w)
		r, _ := utf8.DecodeRuneInString(w[size:])
		if !unicode.IsLower(r) {
			return false
		}
	}
	return true
}

// lowerAmbiguous are listed given names that are everyday words when not
// capitalised.
var lowerAmbiguous = map[string]bool{"jack": true, "frank": true, "rick": true, "bobby": true, "tommy": true,
	"lee": true, "jean": true, "carol": true, "will": true, "ken": true, "kay": true, "jay": true, "jo": true,
	"van": true, "ann": true, "tim": true, "sam": true, "ali": true, "ben": true, "eli": true, "kai": true}

// lowerWords reads up to n lower-case words from j that end at
// punctuation, a line break or the end of the text; it returns j when
// they do not.
func lowerWords(text string, j, n int) int {
	end := j
	for w := 0; w < n && end < len(text); w++ {
		k := end
		if w > 0 {
			if text[k] != ' ' {
				break
			}
			k++
		}
		e := k
		for e < len(text) {
			r, sz := utf8.DecodeRuneInString(text[e:])
			if !unicode.IsLower(r) {
				break
			}
			e += sz
		}
		if e-k < 2 {
			break
		}
		end = e
	}
	if end < len(text) && strings.IndexByte(".,;!?\n", text[end]) < 0 {
		return j
	}
	return end
}

// skipMarks skips, from i, the spaces and the marks that open a line of a
// quoted or bulleted block: "> ", "??? ", "* ", "- ", "• ".
func skipMarks(text string, i int) int {
	for i < len(text) {
		switch c := text[i]; {
		case c == ' ' || c == '\t' || c == '\r' || c == '>' || c == '?' || c == '*' || c == '-' || c == '|' || c == '#':
			i++
		case strings.HasPrefix(text[i:], "•"):
			i += len("•")
		default:
			return i
		}
	}
	return i
}
