package guard

import (
	"net/netip"
	"strings"
)

// The token scanner as it was before it was tuned for speed: digit groups
// with their separators as strings, each sub-run's digits copied afresh,
// and IPv4 read by netip. It is the reference the tuned scanner must agree
// with, candidate for candidate (TestTokensMatchReference, FuzzTokens); a
// change to a detection rule goes into both.

// refScanTokens walks the text once, jumping between digits, '@' and ':'.
func (s *Scanner) refScanTokens(text string, sc *scratch) {
	n := len(text)
	for i := 0; i < n; {
		c := byteClass[text[i]]
		if c&trigger == 0 {
			i++
			continue
		}
		switch {
		case c&bAt != 0:
			i = s.email(text, i, sc)
		case c&bColon != 0:
			if e := s.ipv6(text, i, sc); e > i {
				i = e
			} else {
				i++
			}
		default:
			i = s.refDigits(text, i, sc)
		}
	}
}

// refDigits handles a token that contains the digit at i: a mixed alphanumeric
// token (MBI, DEA, VIN, passport, licence), an IPv6 address, or a run of
// digit groups. It returns where scanning resumes.
func (s *Scanner) refDigits(text string, i int, sc *scratch) int {
	n := len(text)
	t := i
	for t > 0 && isAlnum(text[t-1]) {
		t--
	}
	u := i
	for u < n && isAlnum(text[u]) {
		u++
	}
	if u < n && text[u] == ':' {
		if e := s.ipv6(text, u, sc); e > 0 {
			return e
		}
	}
	letters := false
	for k := t; k < u; k++ {
		if isLetter(text[k]) {
			letters = true
			break
		}
	}
	if letters {
		// A phone extension ("3560x4587") is handled by the run; a token
		// that starts with letters before i, or has letters after its
		// first digits, is an alphanumeric identifier.
		return s.alnum(text, t, u, sc)
	}
	return s.refRun(text, i, sc)
}

// refGroup is one digit group of a run; sep is the separator text before it.
type refGroup struct {
	s, e int
	sep  string
}

// refRun parses the digit groups starting at i and classifies them, splitting
// at single spaces when the whole run is not one identifier.
func (s *Scanner) refRun(text string, i int, sc *scratch) int {
	n := len(text)
	var gs [maxGroups]refGroup
	ng := 0
	j := i
	open := i > 0 && text[i-1] == '('
	for {
		st := j
		for j < n && isDigit(text[j]) {
			j++
		}
		gs[ng].s, gs[ng].e = st, j
		ng++
		if ng == maxGroups || j >= n || j-i > maxRun {
			break
		}
		k := j
		if open && text[k] == ')' {
			open = false
			k++
			if k < n && isDigit(text[k]) {
				gs[ng].sep = text[j:k]
				j = k
				continue
			}
		}
		if k+1 < n && (text[k] == '-' || text[k] == '.' || text[k] == ' ' || text[k] == '/') && isDigit(text[k+1]) {
			gs[ng].sep = text[j : k+1]
			j = k + 1
			continue
		}
		if !open && k+2 < n && text[k] == ' ' && text[k+1] == '(' && isDigit(text[k+2]) {
			open = true
			gs[ng].sep = text[j : k+2]
			j = k + 2
			continue
		}
		break
	}
	// "1978-04-13 12:20:39": a group followed by ":digit" is the hour of
	// a time, not part of the number.
	if ng > 1 && j+1 < n && text[j] == ':' && isDigit(text[j+1]) && gs[ng-1].sep == " " {
		ng--
		j = gs[ng-1].e
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
	for a := 0; a < ng; {
		matched := false
		for b := ng; b > a; b-- {
			if b < ng && gs[b].sep != " " {
				continue
			}
			if s.refClassify(text, gs[a:b], b == ng, ext, sc) {
				matched = true
				a = b
				break
			}
		}
		if !matched {
			a++
			for a < ng && gs[a].sep != " " {
				a++
			}
		}
	}
	return resume
}

// refClassify scores one sub-run of groups as every type it could be and
// records the candidates; it reports whether any was recorded.
func (s *Scanner) refClassify(text string, gs []refGroup, last bool, ext int, sc *scratch) bool {
	before := len(sc.cands)
	start, end := gs[0].s, gs[len(gs)-1].e
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
	d := sc.dig[:0]
	for _, g := range gs {
		d = append(d, text[g.s:g.e]...)
	}
	sc.dig = d
	D, ng := len(d), len(gs)
	var seps [maxGroups]string
	uniform := true
	for k := 1; k < ng; k++ {
		seps[k] = gs[k].sep
		if seps[k] != seps[1] {
			uniform = false
		}
	}
	sep := seps[1]
	gl := func(lens ...int) bool {
		if len(lens) != ng {
			return false
		}
		for k, l := range lens {
			if gs[k].e-gs[k].s != l {
				return false
			}
		}
		return true
	}
	slash := false
	for _, sp := range seps[:ng] {
		slash = slash || strings.IndexByte(sp, '/') >= 0
	}

	// IPv4.
	if ng == 4 && uniform && sep == "." {
		if a, err := netip.ParseAddr(text[gs[0].s:end]); err == nil && a.Is4() {
			s.add(sc, IPAddress, gs[0].s, end, 0.6, 0.3, "pii.ip_address.v4")
		}
		return len(sc.cands) > before
	}
	// Dates of birth (numeric), only with context.
	if ng == 3 && uniform && (sep == "/" || sep == "-" || sep == ".") {
		a, b, c := num(d[:gs[0].e-gs[0].s]), num(d[gs[0].e-gs[0].s:D-(gs[2].e-gs[2].s)]), num(d[D-(gs[2].e-gs[2].s):])
		ok := false
		switch {
		case gl(4, 2, 2) || gl(4, 1, 1) || gl(4, 1, 2) || gl(4, 2, 1):
			ok = validDate(a, b, c)
		case gs[2].e-gs[2].s == 4 && gs[0].e-gs[0].s <= 2 && gs[1].e-gs[1].s <= 2:
			ok = validDate(c, a, b) || validDate(c, b, a)
		case gl(2, 2, 2) || gl(1, 1, 2) || gl(1, 2, 2) || gl(2, 1, 2):
			ok = validDate(1900+c, a, b) || validDate(2000+c, a, b) || validDate(1900+c, b, a) || validDate(2000+c, b, a)
		}
		if ok {
			s.add(sc, DateOfBirth, gs[0].s, end, 0.1, 0.75, "pii.date_of_birth.context")
			return len(sc.cands) > before
		}
	}
	if slash {
		return false
	}
	dashOrNone := ng == 1 || uniform && sep == "-"
	switch D {
	case 9:
		if uniform && gl(3, 2, 4) && (sep == "-" || sep == " " || sep == ".") {
			if ValidSSN(d) {
				s.add(sc, SSN, start, end, 0.8, 0.2, "pii.us_ssn.delimited")
			} else if ValidITIN(d) {
				s.add(sc, ITIN, start, end, 0.8, 0.2, "pii.us_itin.delimited")
			}
			if len(sc.cands) > before {
				return true
			}
		}
		if ng == 1 {
			if ValidSSN(d) {
				s.add(sc, SSN, start, end, 0.3, 0.45, "pii.us_ssn.context")
			}
			if ValidITIN(d) {
				s.add(sc, ITIN, start, end, 0.3, 0.45, "pii.us_itin.context")
			}
			if ValidABA(d) {
				s.add(sc, ABARouting, start, end, 0.3, 0.6, "pii.aba_routing.checksum")
			}
			if ValidEIN(d) {
				s.add(sc, EIN, start, end, 0.1, 0.6, "pii.ein.context")
			}
			s.add(sc, Passport, start, end, 0.05, 0.8, "pii.us_passport.context")
		}
		if gl(5, 4) && sep == "-" || gl(3, 6) && sep == "-" {
			if ValidSSN(d) {
				s.add(sc, SSN, start, end, 0.1, 0.45, "pii.us_ssn.weak")
			}
		}
		if gl(2, 7) && sep == "-" && ValidEIN(d) {
			s.add(sc, EIN, start, end, 0.5, 0.4, "pii.ein.delimited")
		}
		if gl(4, 4, 1) && sep == "-" && ValidABA(d) {
			s.add(sc, ABARouting, start, end, 0.5, 0.4, "pii.aba_routing.checksum")
		}
	case 10, 11:
		p := d
		lead := false
		if D == 11 {
			lead = d[0] == '1' && (gs[0].e-gs[0].s == 1 || plus)
			p = d[1:]
		}
		if D == 10 || lead {
			grouped := gl(3, 3, 4) || gl(1, 3, 3, 4)
			if ValidNANP(p) {
				switch {
				case grouped || plus && ng > 1:
					s.add(sc, Phone, start, max(end, ext*refB2i(last && ext > end)), 0.7, 0.2, "pii.phone.nanp")
				case ng == 1:
					s.add(sc, Phone, start, max(end, ext*refB2i(last && ext > end)), 0.4, 0.4, "pii.phone.nanp")
				}
			}
		}
		if D == 10 && ValidNPI(d) {
			if gl(4, 3, 3) && uniform {
				s.add(sc, NPI, start, end, 0.6, 0.35, "pii.us_npi.luhn")
			} else if ng == 1 {
				s.add(sc, NPI, start, end, 0.3, 0.55, "pii.us_npi.luhn")
			}
		}
	}
	if D >= 12 && D <= 19 && !plus {
		layout := ng == 1 || uniform && (sep == " " || sep == "-") && gs[0].e-gs[0].s == 4
		switch {
		case !layout:
		case ValidCard(d):
			s.add(sc, CreditCard, start, end, 1.0, 0, "pii.credit_card.luhn")
		case Luhn(d) && !allSame(d):
			// Outside the IIN table (a new or private-label issuer, the
			// unassigned edges of a network's block): a card only when a
			// card word is near.
			s.add(sc, CreditCard, start, end, 0.2, 0.7, "pii.credit_card.luhn_context")
		}
	}
	if D >= 8 && D <= 17 && dashOrNone && !plus {
		s.add(sc, BankAccount, start, end, 0.05, 0.8, "pii.us_bank_number.context")
	}
	if D >= 5 && D <= 16 && dashOrNone && !plus {
		s.add(sc, DriverLicense, start, end, 0.05, 0.8, "pii.us_driver_license.context")
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
		s.add(sc, Phone, start, e, base, 0.65, "pii.phone.context")
	}
	return len(sc.cands) > before
}

func refB2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
