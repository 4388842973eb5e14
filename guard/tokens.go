package guard

import (
	"encoding/binary"
	"math/bits"
	"net/netip"
	"sort"
	"strings"
)

// Byte classes for the token scanner.
const (
	bDigit = 1 << iota
	bUpper
	bLower
	bAt
	bColon
	bLocal  // e-mail local-part byte
	bDomain // e-mail domain byte
	bHex
)

var byteClass = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] |= bDigit | bHex | bLocal | bDomain
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] |= bUpper | bLocal | bDomain
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= bLower | bLocal | bDomain
	}
	for _, c := range "abcdefABCDEF" {
		t[c] |= bHex
	}
	for _, c := range "._%+-" {
		t[c] |= bLocal
	}
	t['.'] |= bDomain
	t['-'] |= bDomain
	t['@'] |= bAt
	t[':'] |= bColon
	return t
}()

func isDigit(c byte) bool  { return c >= '0' && c <= '9' }
func isLetter(c byte) bool { return byteClass[c]&(bUpper|bLower) != 0 }
func isAlnum(c byte) bool  { return byteClass[c]&bAlnum != 0 }

const bAlnum = bUpper | bLower | bDigit

const trigger = bDigit | bAt | bColon

// maxRun is the longest digit run (with separators) considered; longer
// runs are not identifiers, and the cap keeps every finding local, which
// the stream redactor relies on.
const maxRun = 64

// scanTokens walks the text once, jumping between digits, '@' and ':'.
func (s *Scanner) scanTokens(text string, sc *scratch) {
	n := len(text)
	for i := 0; i < n; {
		// Eight bytes at a time to the next trigger byte.
		if i+8 <= n {
			m := swarTrigger(load64(text, i))
			if m == 0 {
				i += 8
				continue
			}
			i += bits.TrailingZeros64(m) >> 3
		}
		c := byteClass[text[i]]
		switch {
		case c&trigger == 0:
			i++
		case c&bAt != 0:
			i = s.email(text, i, sc)
		case c&bColon != 0:
			if e := s.ipv6(text, i, sc); e > i {
				i = e
			} else {
				i++
			}
		default:
			i = s.digits(text, i, sc)
		}
	}
}

// SWAR tests: eight bytes of a word at once. Each marks the bytes that
// pass with their high bit and clears every other bit; a byte's test never
// carries into its neighbour's.
const (
	swarOnes = 0x0101010101010101
	swarLow7 = 0x7f7f7f7f7f7f7f7f
	swarHigh = 0x8080808080808080
)

// load64 reads text[i:i+8] as a little-endian word (one load).
func load64(text string, i int) uint64 {
	b := text[i : i+8]
	return uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
		uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
}

// swarRange marks the bytes of x in [lo, hi] (both below 0x80).
func swarRange(x uint64, lo, hi byte) uint64 {
	y := x & swarLow7 // bytes of 0x80 and above fail through ^x below
	return (y + (0x80-uint64(lo))*swarOnes) &^ (y + (0x7f-uint64(hi))*swarOnes) &^ x & swarHigh
}

// swarByte marks the bytes of x equal to c.
func swarByte(x uint64, c byte) uint64 {
	y := x ^ uint64(c)*swarOnes
	return ^((y&swarLow7 + swarLow7) | y | swarLow7)
}

// swarTrigger marks the bytes that start a token: digits, ':' and '@'.
func swarTrigger(x uint64) uint64 { return swarRange(x, '0', ':') | swarByte(x, '@') }

// swarDigits marks the digit bytes of x.
func swarDigits(x uint64) uint64 { return swarRange(x, '0', '9') }

// digitEnd returns the end of the digits starting at i.
func digitEnd(text string, i int) int {
	for i+8 <= len(text) {
		k := bits.TrailingZeros64(^swarDigits(load64(text, i))&swarHigh) >> 3
		i += k
		if k < 8 {
			return i
		}
	}
	for i < len(text) && isDigit(text[i]) {
		i++
	}
	return i
}

// ipv6 tries an IPv6 address around the colon at i; it returns the end of
// the address, or 0.
func (s *Scanner) ipv6(text string, i int, sc *scratch) int {
	if !s.on(IPAddress) {
		return 0
	}
	t := i
	for t > 0 && (byteClass[text[t-1]]&(bHex|bColon) != 0 || text[t-1] == '.') && i-t < 64 {
		t--
	}
	for t < i && text[t] == '.' {
		t++
	}
	u := i
	for u < len(text) && (byteClass[text[u]]&(bHex|bColon) != 0 || text[u] == '.') && u-t < 64 {
		u++
	}
	for u > i && (text[u-1] == '.' || text[u-1] == ':' && (u-2 < 0 || text[u-2] != ':')) {
		u--
	}
	if t > 0 && isAlnum(text[t-1]) || u < len(text) && isAlnum(text[u]) || u-t < 3 {
		return 0
	}
	if strings.Count(text[t:u], ":") < 2 {
		return 0
	}
	a, err := netip.ParseAddr(text[t:u])
	if err != nil || !a.Is6() {
		return 0
	}
	score := 0.6
	if text[t:u] == "::" {
		score = 0.1
	}
	s.add(sc, IPAddress, t, u, score, 0.3, "pii.ip_address.v6")
	return u
}

// email validates the address around the '@' at i and returns where
// scanning resumes.
func (s *Scanner) email(text string, i int, sc *scratch) int {
	const maxLocal, maxDomain = 64, 120
	t := i
	for t > 0 && byteClass[text[t-1]]&bLocal != 0 {
		t--
		if i-t > maxLocal {
			return i + 1
		}
	}
	for t < i && (text[t] == '.' || text[t] == '-' || text[t] == '+') {
		t++
	}
	u := i + 1
	for u < len(text) && byteClass[text[u]]&bDomain != 0 {
		u++
		if u-i > maxDomain {
			return u
		}
	}
	for u > i+1 && (text[u-1] == '.' || text[u-1] == '-') {
		u--
	}
	if t == i || u == i+1 || text[i-1] == '.' || !s.on(Email) {
		return max(u, i+1)
	}
	domain := text[i+1 : u]
	dot := strings.LastIndexByte(domain, '.')
	if dot <= 0 || strings.Contains(domain, "..") || domain[0] == '.' || domain[0] == '-' {
		return u
	}
	if !knownTLD(domain[dot+1:]) {
		return u
	}
	s.add(sc, Email, t, u, 0.9, 0.1, "pii.email.tld")
	return u
}

// knownTLD reports whether tld (any case) is an ICANN top-level domain.
func knownTLD(tld string) bool {
	if len(tld) < 2 || len(tld) > 24 {
		return false
	}
	var buf [24]byte
	for i := 0; i < len(tld); i++ {
		c := tld[i]
		if c >= 'A' && c <= 'Z' {
			c += 32
		}
		buf[i] = c
	}
	l := string(buf[:len(tld)])
	k := sort.SearchStrings(icannTLDs, l)
	return k < len(icannTLDs) && icannTLDs[k] == l
}

// digits handles a token that contains the digit at i: a mixed alphanumeric
// token (MBI, DEA, VIN, passport, licence), an IPv6 address, or a run of
// digit groups. It returns where scanning resumes.
func (s *Scanner) digits(text string, i int, sc *scratch) int {
	n := len(text)
	// The token's extent, and whether it has letters.
	var cls uint8
	t := i
	for t > 0 && byteClass[text[t-1]]&bAlnum != 0 {
		t--
		cls |= byteClass[text[t]]
	}
	g := digitEnd(text, i)
	u := g
	for u < n && byteClass[text[u]]&bAlnum != 0 {
		cls |= byteClass[text[u]]
		u++
	}
	if u < n && text[u] == ':' {
		if e := s.ipv6(text, u, sc); e > 0 {
			return e
		}
	}
	if cls&(bUpper|bLower) != 0 {
		// A phone extension ("3560x4587") is handled by the run; a token
		// that starts with letters before i, or has letters after its
		// first digits, is an alphanumeric identifier.
		return s.alnum(text, t, u, sc)
	}
	return s.run(text, i, g, sc)
}

// alnum classifies the identifier text[t:u] (letters and digits).
func (s *Scanner) alnum(text string, t, u int, sc *scratch) int {
	tok := text[t:u]
	if t > 0 && text[t-1] >= 0x80 || u < len(text) && text[u] >= 0x80 {
		return u
	}
	digits := 0
	for k := 0; k < len(tok); k++ {
		if isDigit(tok[k]) {
			digits++
		}
	}
	b := sc.dig[:0]
	// MBI with dashes: XXXX-XXX-XXXX.
	if len(tok) == 4 && u+9 <= len(text) && text[u] == '-' && text[u+4] == '-' &&
		(u+9 == len(text) || !isAlnum(text[u+9])) {
		b = append(append(append(b, tok...), text[u+1:u+4]...), text[u+5:u+9]...)
		if ValidMBI(b) {
			s.add(sc, MedicareMBI, t, u+9, 0.8, 0.2, "pii.us_mbi.format")
			sc.dig = b
			return u + 9
		}
		b = b[:0]
	}
	b = append(b, tok...)
	sc.dig = b
	switch len(tok) {
	case 11:
		if ValidMBI(b) {
			s.add(sc, MedicareMBI, t, u, 0.6, 0.3, "pii.us_mbi.format")
		}
	case 9:
		if ValidDEA(b) {
			s.add(sc, DEA, t, u, 0.6, 0.3, "pii.dea.checksum")
		}
		if isLetter(tok[0]) && digits == 8 {
			s.add(sc, Passport, t, u, 0.1, 0.75, "pii.us_passport.context")
		}
	case 17:
		if ValidVIN(b) {
			s.add(sc, VIN, t, u, 0.7, 0.25, "pii.vin.check_digit")
		}
	}
	if len(tok) >= 4 && len(tok) <= 16 && digits >= 3 {
		s.add(sc, DriverLicense, t, u, 0.05, 0.8, "pii.us_driver_license.context")
	}
	return u
}

// group is one digit group of a run.
type group struct {
	s, e int32  // span in the text
	off  int32  // offset of its digits in the run's digit buffer
	sep  uint16 // separator text before it, packed by sepCode
}

// sepCode packs a one- or two-byte separator ("-", ") ", " (") into an
// integer, so separators compare as numbers.
func sepCode(sep string) uint16 {
	if len(sep) == 1 {
		return uint16(sep[0])
	}
	return uint16(sep[0]) | uint16(sep[1])<<8
}

func hasSlash(sep uint16) bool { return byte(sep) == '/' || byte(sep>>8) == '/' }

const maxGroups = 12

// run parses the digit groups starting at i, the first ending at g, and
// classifies them, splitting at single spaces when the whole run is not one
// identifier.
func (s *Scanner) run(text string, i, g int, sc *scratch) int {
	n := len(text)
	// The groups and the run's digits, copied while parsing (a sub-run's
	// digits are a slice of them), live in the scratch space, which needs
	// no clearing per run. Only runs of at most maxRun bytes are
	// classified, so buf holds all of their digits.
	gs, buf := &sc.groups, &sc.runDigits
	gs[0].sep = 0
	nd := 0
	ng := 0
	j := i
	open := i > 0 && text[i-1] == '('
	for {
		st := j
		if ng == 0 {
			j = g
		} else {
			j = digitEnd(text, j)
		}
		// Copy the digits eight bytes at a time; buf has room for a word
		// past maxRun, and a longer run is not classified.
		for k := st; k < j && nd <= maxRun; k += 8 {
			var w uint64
			if k+8 <= n {
				w = load64(text, k)
			} else {
				w = tailWord(text[k:])
			}
			binary.LittleEndian.PutUint64(buf[nd:], w)
			nd += min(8, j-k)
		}
		gs[ng].s, gs[ng].e, gs[ng].off = int32(st), int32(j), int32(nd-(j-st))
		ng++
		if ng == maxGroups || j >= n || j-i > maxRun {
			break
		}
		k := j
		if open && text[k] == ')' {
			open = false
			k++
			if k < n && isDigit(text[k]) {
				gs[ng].sep = ')'
				j = k
				continue
			}
		}
		if k+1 < n && (text[k] == '-' || text[k] == '.' || text[k] == ' ' || text[k] == '/') && isDigit(text[k+1]) {
			gs[ng].sep = sepCode(text[j : k+1])
			j = k + 1
			continue
		}
		if !open && k+2 < n && text[k] == ' ' && text[k+1] == '(' && isDigit(text[k+2]) {
			open = true
			gs[ng].sep = sepCode(text[j : k+2])
			j = k + 2
			continue
		}
		break
	}
	// "1978-04-13 12:20:39": a group followed by ":digit" is the hour of
	// a time, not part of the number.
	if ng > 1 && j+1 < n && text[j] == ':' && isDigit(text[j+1]) && gs[ng-1].sep == ' ' {
		ng--
		j = int(gs[ng-1].e)
	}
	end := j
	// Phone extension: "x4587", " ext. 12".
	ext := end
	if end+1 < n && (text[end] == 'x' || text[end] == 'X') && isDigit(text[end+1]) {
		ext = end + 1
		for ext < n && isDigit(text[ext]) && ext-end < 7 {
			ext++
		}
	}
	resume := max(ext, end)
	if resume < n && isLetter(text[resume]) {
		if ng == 1 {
			u := resume
			for u < n && isAlnum(text[u]) {
				u++
			}
			return s.alnum(text, i, u, sc)
		}
		return resume
	}
	if resume-i > maxRun || ng == maxGroups {
		// Too long to be one identifier; skip the whole run.
		for resume < n && (isDigit(text[resume]) || strings.IndexByte(" -./()", text[resume]) >= 0) {
			resume++
		}
		return resume
	}
	if i > 0 && (isLetter(text[i-1]) || text[i-1] == '.' && i > 1 && isDigit(text[i-2])) {
		return resume
	}
	if ng == 1 && end-i < 5 {
		// Too short for any type read from a single group.
		return resume
	}
	last := gs[ng-1]
	d := buf[:int(last.off)+int(last.e-last.s)]
	for a := 0; a < ng; {
		matched := false
		for b := ng; b > a; b-- {
			if b < ng && gs[b].sep != ' ' {
				continue
			}
			de := len(d)
			if b < ng {
				de = int(gs[b].off)
			}
			if s.classify(text, gs[a:b], d[gs[a].off:de], b == ng, ext, sc) {
				matched = true
				a = b
				break
			}
		}
		if !matched {
			a++
			for a < ng && gs[a].sep != ' ' {
				a++
			}
		}
	}
	return resume
}

// Group-length shapes, a byte per group, as classify packs them.
func shape2(a, b uint32) uint32       { return a | b<<8 }
func shape3(a, b, c uint32) uint32    { return a | b<<8 | c<<16 }
func shape4(a, b, c, d uint32) uint32 { return a | b<<8 | c<<16 | d<<24 }

// classify scores one sub-run of groups, whose digits are d, as every type
// it could be and records the candidates; it reports whether any was
// recorded.
func (s *Scanner) classify(text string, gs []group, d []byte, last bool, ext int, sc *scratch) bool {
	before := len(sc.cands)
	start, end := int(gs[0].s), int(gs[len(gs)-1].e)
	plus := false
	if start > 0 && text[start-1] == '(' {
		start--
	}
	if start > 0 && text[start-1] == '+' {
		start--
		plus = true
	} else if start > 1 && text[start-1] == ' ' && text[start-2] == '+' {
		// "+1 (555) …" begins at the plus sign.
		start -= 2
		plus = true
	}
	D, ng := len(d), len(gs)
	// sep is the first separator; uniform says whether all are the same.
	var sep uint16
	if ng > 1 {
		sep = gs[1].sep
	}
	uniform, slash := true, false
	for _, g := range gs[1:] {
		uniform = uniform && g.sep == sep
		slash = slash || hasSlash(g.sep)
	}
	// The group lengths, a byte each, when there are at most four (no
	// layout below has more); runs are at most maxRun long, so each fits.
	var shape uint32
	if ng <= 4 {
		for k := ng - 1; k >= 0; k-- {
			shape = shape<<8 | uint32(gs[k].e-gs[k].s)
		}
	}
	len0 := int(gs[0].e - gs[0].s)

	// IPv4.
	if ng == 4 && uniform && sep == '.' {
		if validIPv4(d, shape) {
			s.addAt(sc, iIPAddress, int(gs[0].s), end, 0.6, 0.3, "pii.ip_address.v4")
		}
		return len(sc.cands) > before
	}
	// Dates of birth (numeric), only with context.
	if ng == 3 && uniform && (sep == '/' || sep == '-' || sep == '.') && numericDate(d, shape) {
		s.addAt(sc, iDateOfBirth, int(gs[0].s), end, 0.1, 0.75, "pii.date_of_birth.context")
		return len(sc.cands) > before
	}
	if slash {
		return false
	}
	dashOrNone := ng == 1 || uniform && sep == '-'
	// generic is whether the context-gated readings that any number of
	// their length can have (bank account, licence, phone by context) are
	// tried: not for a number reported as an SSN or ITIN in their layout,
	// which an "account" or "license" nearby must not turn into another
	// type.
	generic := true
	switch D {
	case 9:
		if uniform && shape == shape3(3, 2, 4) && (sep == '-' || sep == ' ' || sep == '.') {
			if validSSN(d) {
				s.addAt(sc, iSSN, start, end, 0.8, 0.2, "pii.us_ssn.delimited")
			} else if validITIN(d) {
				s.addAt(sc, iITIN, start, end, 0.8, 0.2, "pii.us_itin.delimited")
			}
			// Only when it is reported as one: a scanner without the
			// SSN detector (an answer scanner that redacts only bank
			// accounts) still reads the number as what it could be.
			generic = len(sc.cands) == before
		}
		if ng == 1 {
			if validSSN(d) {
				s.addAt(sc, iSSN, start, end, 0.3, 0.45, "pii.us_ssn.context")
			}
			if validITIN(d) {
				s.addAt(sc, iITIN, start, end, 0.3, 0.45, "pii.us_itin.context")
			}
			if validABA(d) {
				s.addAt(sc, iABARouting, start, end, 0.3, 0.6, "pii.aba_routing.checksum")
			}
			if validEIN(d) {
				s.addAt(sc, iEIN, start, end, 0.1, 0.6, "pii.ein.context")
			}
			s.addAt(sc, iPassport, start, end, 0.05, 0.8, "pii.us_passport.context")
		}
		if (shape == shape2(5, 4) || shape == shape2(3, 6)) && sep == '-' && validSSN(d) {
			s.addAt(sc, iSSN, start, end, 0.1, 0.45, "pii.us_ssn.weak")
		}
		if shape == shape2(2, 7) && sep == '-' && validEIN(d) {
			s.addAt(sc, iEIN, start, end, 0.5, 0.4, "pii.ein.delimited")
		}
		if shape == shape3(4, 4, 1) && sep == '-' && validABA(d) {
			s.addAt(sc, iABARouting, start, end, 0.5, 0.4, "pii.aba_routing.checksum")
		}
	case 10, 11:
		p := d
		lead := false
		if D == 11 {
			lead = d[0] == '1' && (len0 == 1 || plus)
			p = d[1:]
		}
		if (D == 10 || lead) && validNANP(p) {
			// With the extension when it ends the run.
			e := end
			if last && ext > end {
				e = ext
			}
			switch {
			case shape == shape3(3, 3, 4) || shape == shape4(1, 3, 3, 4) || plus && ng > 1:
				s.addAt(sc, iPhone, start, e, 0.7, 0.2, "pii.phone.nanp")
			case ng == 1:
				s.addAt(sc, iPhone, start, e, 0.4, 0.4, "pii.phone.nanp")
			}
		}
		if D == 10 && validNPI(d) {
			if shape == shape3(4, 3, 3) && uniform {
				s.addAt(sc, iNPI, start, end, 0.6, 0.35, "pii.us_npi.luhn")
			} else if ng == 1 {
				s.addAt(sc, iNPI, start, end, 0.3, 0.55, "pii.us_npi.luhn")
			}
		}
	}
	if D >= 12 && D <= 19 && !plus {
		layout := ng == 1 || uniform && (sep == ' ' || sep == '-') && len0 == 4
		switch {
		case !layout:
		case validCard(d):
			s.addAt(sc, iCreditCard, start, end, 1.0, 0, "pii.credit_card.luhn")
		case luhnSum(d)%10 == 0 && !allSame(d):
			// Outside the IIN table (a new or private-label issuer, the
			// unassigned edges of a network's block): a card only when a
			// card word is near.
			s.addAt(sc, iCreditCard, start, end, 0.2, 0.7, "pii.credit_card.luhn_context")
		}
	}
	if !generic {
		return len(sc.cands) > before
	}
	if D >= 8 && D <= 17 && dashOrNone && !plus {
		s.addAt(sc, iBankAccount, start, end, 0.05, 0.8, "pii.us_bank_number.context")
	}
	if D >= 5 && D <= 16 && dashOrNone && !plus {
		s.addAt(sc, iDriverLicense, start, end, 0.05, 0.8, "pii.us_driver_license.context")
	}
	if D >= 7 && D <= 15 && (ng > 1 || plus) {
		e := end
		if last && ext > end {
			e = ext
		}
		base := 0.05
		if plus && D >= 8 {
			base = 0.55
		}
		s.addAt(sc, iPhone, start, e, base, 0.65, "pii.phone.context")
	}
	return len(sc.cands) > before
}

// validIPv4 reports whether the four groups of digits d, whose lengths
// shape packs, are a dotted-quad IPv4 address: each 0–255 without a
// leading zero (as netip.ParseAddr reads them).
func validIPv4(d []byte, shape uint32) bool {
	for k := 0; k < 4; k++ {
		l := int(shape >> (8 * k) & 0xff)
		if l > 3 || l > 1 && d[0] == '0' || num(d[:l]) > 255 {
			return false
		}
		d = d[l:]
	}
	return true
}

// numericDate reports whether the three groups of digits d, whose lengths
// shape packs, are a calendar date: Y-M-D, M-D-Y or D-M-Y with a four-digit
// year, or M-D-Y or D-M-Y with a two-digit one (19xx or 20xx).
func numericDate(d []byte, shape uint32) bool {
	l0, l1, l2 := int(shape&0xff), int(shape>>8&0xff), int(shape>>16)
	part := func(k int) int {
		switch k {
		case 0:
			return num(d[:l0])
		case 1:
			return num(d[l0 : l0+l1])
		}
		return num(d[l0+l1:])
	}
	switch {
	case shape == shape3(4, 2, 2) || shape == shape3(4, 1, 1) || shape == shape3(4, 1, 2) || shape == shape3(4, 2, 1):
		return validDate(part(0), part(1), part(2))
	case l2 == 4 && l0 <= 2 && l1 <= 2:
		a, b, c := part(0), part(1), part(2)
		return validDate(c, a, b) || validDate(c, b, a)
	case shape == shape3(2, 2, 2) || shape == shape3(1, 1, 2) || shape == shape3(1, 2, 2) || shape == shape3(2, 1, 2):
		a, b, c := part(0), part(1), part(2)
		return validDate(1900+c, a, b) || validDate(2000+c, a, b) || validDate(1900+c, b, a) || validDate(2000+c, b, a)
	}
	return false
}

// tailWord reads the last, short word of text as load64 would read it.
func tailWord(tail string) uint64 {
	var w uint64
	for k := min(len(tail), 8) - 1; k >= 0; k-- {
		w = w<<8 | uint64(tail[k])
	}
	return w
}
