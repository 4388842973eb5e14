package guard

import "strings"

//go:generate go run gen_tlds.go

// Keyword flags beyond PII context.
const (
	kwPersonCue   = 1 << iota // a name may follow: "my name is", "Mr."
	kwStreet                  // a USPS street suffix: "street", "ave"
	kwMonth                   // a month name, for dates of birth
	kwFirstName               // a common given name
	kwPersonAfter             // a name may precede: "lives at", "said"
	kwAddrCue                 // an address may follow: "lives at", "address:"
	kwUnit                    // a unit designator: "Apt", "Suite"
	kwInitial                 // a middle initial: "J."
)

// contextWords are the words that raise the score of a nearby candidate,
// per type (Presidio's lists, extended). A trailing * marks a prefix.
var contextWords = map[Type]string{
	SSN:           "ssn|ssns|ssn#|social security|social security number|social security no|social sec|ss#|soc sec",
	ITIN:          "itin|itins|taxpayer|taxpayer id|taxpayer identification|tax id|tin|individual taxpayer",
	Passport:      "passport*|travel document|passport no|passport number|passport#",
	DriverLicense: "driver's license|driver’s license|drivers license|driver license|driver's licence|drivers licence|driving licence|driving license|driver's lic|dl|dl#|dln|cdl|license number|licence number|license no|lic|lic#|license #",
	Phone:         "phone*|telephone|messages|message|sms|texts|answering|dial|ring me|reach|reached at|contact|registered|tel|tel.|cell|cellphone|mobile|call|call me|text me|reach me|fax|desk|whatsapp|ph|ph.|contact number|number",
	Email:         "email|e-mail|mail",
	IPAddress:     "ip|ip address|ipv4|ipv6|host|address",
	DateOfBirth:   "born|dob|d.o.b.|d.o.b|date of birth|birth date|birthdate|birthday|birth",
	CreditCard:    "credit|card|credit card|debit card|visa|mastercard|amex|american express|discover|jcb|diners|maestro|cc|cc#|card number",
	ABARouting:    "aba|routing|routing number|routing no|routing#|rtn|bank routing|transit number|aba number",
	BankAccount:   "account|account number|account no|account#|acct|acct#|acct.|bank account|checking|savings|account no.",
	MedicareMBI:   "medicare|mbi|beneficiary|cms|medicaid|hicn|medicare number",
	NPI:           "npi|npi#|national provider|provider|provider id",
	DEA:           "dea|dea number|dea#|dea registration|prescriber|registration number",
	VIN:           "vin|vin#|vehicle identification|vehicle|chassis",
	EIN:           "ein|fein|employer identification|employer id|tax id|federal tax id|tax identification",
}

// personCues precede a name.
const personCues = "producer|director|editor|reporter|journalist|officer|detective|nurse|doctor|lawyer|attorney|judge|senator|governor|congressman|congresswoman|mayor|ceo|cfo|coach|sergeant|lieutenant|pastor|cardholder|account holder|name on the account|name on the card|name?|add|commenter|songwriter|writer|poet|composer|guitarist|singer-songwriter|guardian|beneficiary|my son|my daughter|my kid|my wife|my husband|my brother|my sister|my mother|my father|my mom|my dad|my friend|my colleague|my boss|my manager|my uncle|my aunt|my cousin|my nephew|my niece|my grandson|my granddaughter|my neighbor|my neighbour|my partner|my client|says|said|under|founders:|author|singer|actor|actress|directed by|written by|starring|full name:|first name:|last name:|customer name:|patient name:|employee name:|plaintiff|defendant|applicant:|beneficiary:|mx.|sir|my name is|my name's|name is|name:|i am|i'm|this is|mr|mr.|mrs|mrs.|ms|ms.|miss|dr|dr.|prof.|professor|patient|patient:|signed,|sincerely,|regards,|best,|dear|named|called|employee|contact:|attn:|attention:|ssn of|client|customer|from:|to:|cc:|by|with|meet|hi|hello|thanks,|" +
	"call me|calls me|named him|named her|call him|call her|calls him|calls her|tribute to|'s name|" +
	"player|musician|artist|painter|novelist|footballer|rapper|drummer|pianist|violinist|scientist|researcher|" +
	"economist|historian|activist|politician|minister|chancellor|spokesperson|spokesman|spokeswoman|commissioner|" +
	"inspector|chef|athlete|featuring"

// streetSuffixes are the USPS street suffixes (C1 list) and common forms.
const streetSuffixes = "street|st|st.|avenue|ave|ave.|av|road|rd|rd.|boulevard|blvd|blvd.|lane|ln|ln.|drive|dr|dr.|court|ct|ct.|place|pl|pl.|way|terrace|ter|circle|cir|parkway|pkwy|highway|hwy|square|sq|trail|trl|crossing|xing|plaza|plz|loop|row|path|alley|aly|pike|route|rte|run|walk|ridge|rdg|heights|hts|point|pt|grove|park|center|ctr|creek|crk|crest|cove|bend|estates|expressway|expy|fork|ford|garden|gardens|gdns|gateway|harbor|hbr|hill|hills|island|junction|jct|key|lake|lakes|landing|manor|meadow|meadows|mill|mills|mount|mountain|orchard|pass|pines|port|ranch|shore|shores|spring|springs|station|summit|turnpike|tpke|union|valley|vly|view|village|vlg|vista|well|wells|branch|bridge|brook|burg|bypass|camp|canyon|cape|causeway|cliff|club|common|commons|corner|corners|course|dale|dam|divide|extension|ext|falls|ferry|field|fields|flat|flats|forge|forges|freeway|fwy|glen|green|haven|hollow|inlet|knoll|knolls|lodge|mall|neck|oval|prairie|ramp|rest|river|shoal|shoals|skyway|spur|stream|throughway|trace|tunnel|underpass|via|ville|crescent|close|mews|rise|wharf|quay|esplanade|promenade|drives|streets|roads|lanes|courts|places|ways|parks|squares|terraces|trails|loops|points|ports|stravenue|track|trafficway|vista|walks"

const months = "january|february|march|april|may|june|july|august|september|october|november|december|jan|jan.|feb|feb.|mar|mar.|apr|apr.|jun|jun.|jul|jul.|aug|aug.|sep|sep.|sept|sept.|oct|oct.|nov|nov.|dec|dec."

// keyword is the payload of one automaton pattern.
type keyword struct {
	ctx   uint32 // bit i: context for PIITypes[i]
	flags uint16
	cues  []cueRef // use-policy cues and custom terms
}

type cueRef struct {
	cat    int   // index into Scanner.cats; -1-i for custom literal type i
	gi     uint8 // index into cueGroups
	weight float64
	id     string // "group:phrase", reported in Finding.Cues
	// possessive marks a surveillance cue that starts with "'s" (someone's
	// location): it counts only when the possessor can be a person.
	possessive bool
}

func typeBit(t Type) uint32 {
	if i := typeIndex(t); i >= 0 {
		return 1 << i
	}
	return 0
}

// lexicon accumulates keywords before the automaton is built.
type lexicon struct {
	index map[string]int
	pats  []acPattern
	kws   []keyword
}

func (l *lexicon) add(phrase string) *keyword {
	phrase = strings.ToLower(strings.Join(strings.Fields(phrase), " "))
	prefix := strings.HasSuffix(phrase, "*")
	phrase = strings.TrimSuffix(phrase, "*")
	key := phrase
	if prefix {
		key += "*"
	}
	if i, ok := l.index[key]; ok {
		return &l.kws[i]
	}
	if l.index == nil {
		l.index = map[string]int{}
	}
	l.index[key] = len(l.pats)
	l.pats = append(l.pats, acPattern{text: phrase, prefix: prefix})
	l.kws = append(l.kws, keyword{})
	return &l.kws[len(l.kws)-1]
}

func (l *lexicon) addList(list string, f func(*keyword)) {
	for _, p := range strings.Split(list, "|") {
		if p = strings.TrimSpace(p); p != "" {
			f(l.add(p))
		}
	}
}

// wordSet is a set of words that answers most lookups of words not in it
// without hashing them for the map: a small Bloom filter rejects them
// first. The address rules look up every capitalised word after a number,
// and most are in none of their sets.
type wordSet struct {
	filter [64]uint64 // bit (bloom hash mod 4096) of each word of two bytes or more
	m      map[string]bool
}

func newWordSet(m map[string]bool) *wordSet {
	s := &wordSet{m: m}
	for w := range m {
		if len(w) >= 2 {
			h := (*bloom)(nil).hash(w) & 4095
			s.filter[h>>6] |= 1 << (h & 63)
		}
	}
	return s
}

func (s *wordSet) has(w string) bool {
	if len(w) >= 2 {
		if h := (*bloom)(nil).hash(w) & 4095; s.filter[h>>6]&(1<<(h&63)) == 0 {
			return false
		}
	}
	return s.m[w]
}
