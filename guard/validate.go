package guard

// Validators work on the digits (or characters) of a candidate with the
// separators removed. Each is a pure function so it can be tested alone.

func num(d []byte) int {
	n := 0
	for _, c := range d {
		n = n*10 + int(c-'0')
	}
	return n
}

func allSame(d []byte) bool {
	for _, c := range d {
		if c != d[0] {
			return false
		}
	}
	return true
}

// ValidSSN reports whether the 9 digits d can be a Social Security number:
// area not 000, 666 or 900–999 (never issued; 9xx is the ITIN range), group
// not 00, serial not 0000, not one digit repeated, and not a published
// sample or test value (078-05-1120, 219-09-9999, 123-45-6789, 987-65-432x).
func ValidSSN(d []byte) bool {
	return len(d) == 9 && isDigits(d) && validSSN(d)
}

// validSSN is ValidSSN for nine digits. The exported validators check
// their input; the token scanner, whose runs are digits of a known
// length, calls these.
func validSSN(d []byte) bool {
	area, group, serial := num(d[:3]), num(d[3:5]), num(d[5:])
	if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 || allSame(d) {
		return false
	}
	switch string(d) {
	case "078051120", "219099999", "123456789":
		return false
	}
	return string(d[:8]) != "98765432"
}

// ValidITIN reports whether the 9 digits d can be an Individual Taxpayer
// Identification Number: area 9xx and group 50–65, 70–88, 90–92 or 94–99.
func ValidITIN(d []byte) bool {
	return len(d) == 9 && isDigits(d) && validITIN(d)
}

// validITIN is ValidITIN for nine digits.
func validITIN(d []byte) bool {
	if d[0] != '9' {
		return false
	}
	g := num(d[3:5])
	return (g >= 50 && g <= 65) || (g >= 70 && g <= 88) || (g >= 90 && g <= 92) || g >= 94
}

func isDigits(d []byte) bool {
	for _, c := range d {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(d) > 0
}

// Luhn reports whether the digits d pass the Luhn (mod 10) check.
func Luhn(d []byte) bool {
	return isDigits(d) && luhnSum(d)%10 == 0
}

// luhnDouble is the Luhn value of a doubled digit: 2v, less 9 above 9.
var luhnDouble = [10]uint8{0, 2, 4, 6, 8, 1, 3, 5, 7, 9}

// luhnSum is the Luhn sum of the digits d: from the right, every second
// digit doubled. A table lookup instead of a branch on 2v > 9 keeps the
// loop free of unpredictable branches.
func luhnSum(d []byte) int {
	sum := 0
	i := len(d) - 1
	for ; i > 0; i -= 2 {
		sum += int(d[i]-'0') + int(luhnDouble[(d[i-1]-'0')%10])
	}
	if i == 0 {
		sum += int(d[0] - '0')
	}
	return sum
}

// CardIssuer names the card network whose IIN range and length the digits d
// fall in, or "" when none does. Ranges: Visa 4 (13, 16, 19); Mastercard
// 51–55 and 2221–2720 (16); Amex 34, 37 (15); Mir 2200–2204 (16–19);
// Discover 6011, 622126–622925, 644–649, 65 (16–19); JCB 3528–3589 (16–19)
// and 2131, 1800 (15); Diners 300–305, 3095, 36, 38, 39 (14–19); UnionPay 62
// (16–19); Maestro 5018, 5020, 5038, 5893, 6304, 6759, 6761–6763 and the
// rest of 50, 56–58 and 6 (12–19); UATP 1 (15).
func CardIssuer(d []byte) string {
	if len(d) < 12 || len(d) > 19 || !isDigits(d) {
		return ""
	}
	return cardIssuer(d)
}

// cardIssuer is CardIssuer for 12 to 19 digits.
func cardIssuer(d []byte) string {
	n := len(d)
	p6 := num(d[:6])
	p2, p3, p4 := p6/10000, p6/1000, p6/100
	switch {
	case d[0] == '4' && (n == 13 || n == 16 || n == 19):
		return "visa"
	case (p2 >= 51 && p2 <= 55 || p4 >= 2221 && p4 <= 2720) && n == 16:
		return "mastercard"
	case (p2 == 34 || p2 == 37) && n == 15:
		return "amex"
	case p4 >= 2200 && p4 <= 2204 && n >= 16:
		return "mir"
	case (p4 == 6011 || p6 >= 622126 && p6 <= 622925 || p3 >= 644 && p3 <= 649 || p2 == 65) && n >= 16:
		return "discover"
	case p4 >= 3528 && p4 <= 3589 && n >= 16, (p4 == 2131 || p4 == 1800) && n == 15:
		return "jcb"
	case (p3 >= 300 && p3 <= 305 || p4 == 3095 || p2 == 36 || p2 == 38 || p2 == 39) && n >= 14:
		return "diners"
	case p2 == 62 && n >= 16:
		return "unionpay"
	case p4 == 5018 || p4 == 5020 || p4 == 5038 || p4 == 5893 || p4 == 6304 || p4 == 6759 || p4 >= 6761 && p4 <= 6763,
		p2 == 50 || p2 >= 56 && p2 <= 58 || d[0] == '6':
		return "maestro"
	case d[0] == '1' && n == 15:
		return "uatp"
	}
	return ""
}

// ValidCard reports whether d is a payment card number: a known IIN range
// and length, and the Luhn check.
func ValidCard(d []byte) bool {
	return CardIssuer(d) != "" && Luhn(d)
}

// validCard is ValidCard for 12 to 19 digits.
func validCard(d []byte) bool {
	return cardIssuer(d) != "" && luhnSum(d)%10 == 0
}

// ValidABA reports whether the 9 digits d are an ABA routing number: the
// first two digits in a Federal Reserve range (00–12, 21–32, 61–72, 80) and
// 3·(d1+d4+d7) + 7·(d2+d5+d8) + (d3+d6+d9) ≡ 0 (mod 10).
func ValidABA(d []byte) bool {
	return len(d) == 9 && isDigits(d) && validABA(d)
}

// validABA is ValidABA for nine digits.
func validABA(d []byte) bool {
	if allSame(d) {
		return false
	}
	p := num(d[:2])
	if !(p <= 12 || p >= 21 && p <= 32 || p >= 61 && p <= 72 || p == 80) {
		return false
	}
	v := func(i int) int { return int(d[i] - '0') }
	s := 3*(v(0)+v(3)+v(6)) + 7*(v(1)+v(4)+v(7)) + v(2) + v(5) + v(8)
	return s%10 == 0
}

// ValidNPI reports whether the 10 digits d are a National Provider
// Identifier: first digit 1 or 2, Luhn over "80840" followed by the number,
// and not one repeated digit after the first.
func ValidNPI(d []byte) bool {
	return len(d) == 10 && isDigits(d) && validNPI(d)
}

// validNPI is ValidNPI for ten digits.
func validNPI(d []byte) bool {
	if d[0] != '1' && d[0] != '2' || allSame(d[1:]) {
		return false
	}
	// The prefix 80840 adds 24 to the Luhn sum of the ten digits (its
	// digits sit at the same parity as in a 15-digit number).
	return (luhnSum(d)+24)%10 == 0
}

// ValidDEA reports whether s (9 characters) is a DEA registration number:
// a registrant-type letter, a second letter (or 9), seven digits with
// (d1+d3+d5) + 2·(d2+d4+d6) ≡ d7 (mod 10).
func ValidDEA(s []byte) bool {
	if len(s) != 9 {
		return false
	}
	c0 := upper(s[0])
	if !isUpperIn(c0, "ABCDEFGHJKLMPRSTUX") {
		return false
	}
	if c1 := upper(s[1]); !(c1 >= 'A' && c1 <= 'Z' || c1 == '9') {
		return false
	}
	d := s[2:]
	if !isDigits(d) {
		return false
	}
	v := func(i int) int { return int(d[i] - '0') }
	sum := v(0) + v(2) + v(4) + 2*(v(1)+v(3)+v(5))
	return sum%10 == v(6)
}

func upper(c byte) byte {
	if c >= 'a' && c <= 'z' {
		return c - 32
	}
	return c
}

func isUpperIn(c byte, set string) bool {
	for i := 0; i < len(set); i++ {
		if set[i] == c {
			return true
		}
	}
	return false
}

// vinValue is the ISO 3779 transliteration of A–Z (0 for I, O, Q).
var vinValue = [26]int{1, 2, 3, 4, 5, 6, 7, 8, 0, 1, 2, 3, 4, 5, 0, 7, 0, 9, 2, 3, 4, 5, 6, 7, 8, 9}
var vinWeight = [17]int{8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2}

// ValidVIN reports whether s is a 17-character vehicle identification number
// whose 9th character is the North American check digit (mod 11, X for 10).
// I, O and Q never occur; at least one letter and one digit must.
func ValidVIN(s []byte) bool {
	if len(s) != 17 {
		return false
	}
	sum, letters, digits := 0, 0, 0
	for i, c := range s {
		c = upper(c)
		var v int
		switch {
		case c >= '0' && c <= '9':
			v = int(c - '0')
			digits++
		case c >= 'A' && c <= 'Z':
			if c == 'I' || c == 'O' || c == 'Q' {
				return false
			}
			v = vinValue[c-'A']
			letters++
		default:
			return false
		}
		sum += v * vinWeight[i]
	}
	if letters == 0 || digits < 4 {
		return false
	}
	check := byte('0' + sum%11)
	if sum%11 == 10 {
		check = 'X'
	}
	return upper(s[8]) == check
}

// einPrefixes holds the IRS campus prefixes an EIN may start with.
var einPrefixes = func() (t [100]bool) {
	for _, r := range [][2]int{{1, 6}, {10, 16}, {20, 27}, {30, 48}, {50, 68}, {71, 77}, {80, 88}, {90, 95}, {98, 99}} {
		for p := r[0]; p <= r[1]; p++ {
			t[p] = true
		}
	}
	for _, p := range []int{7, 8, 9, 17, 18, 19, 28, 29, 49, 69, 70, 78, 79, 89, 96, 97} {
		t[p] = false
	}
	return t
}()

// ValidEIN reports whether the 9 digits d are an Employer Identification
// Number: a prefix the IRS assigns (01–06, 10–16, 20–27, 30–48, 50–68,
// 71–77, 80–88, 90–95, 98, 99) and not one repeated digit.
func ValidEIN(d []byte) bool {
	return len(d) == 9 && isDigits(d) && validEIN(d)
}

// validEIN is ValidEIN for nine digits.
func validEIN(d []byte) bool {
	return !allSame(d) && einPrefixes[num(d[:2])]
}

// ValidMBI reports whether s (11 characters, dashes removed) is a Medicare
// Beneficiary Identifier: C A AN N A AN N A A N N, where C is 1–9, N a
// digit, A a letter other than S, L, O, I, B, Z, and AN either.
func ValidMBI(s []byte) bool {
	if len(s) != 11 {
		return false
	}
	const pat = "CAPNAPNAANN"
	for i := 0; i < 11; i++ {
		c := upper(s[i])
		isD := c >= '0' && c <= '9'
		isA := c >= 'A' && c <= 'Z' && !isUpperIn(c, "SLOIBZ")
		switch pat[i] {
		case 'C':
			if !isD || c == '0' {
				return false
			}
		case 'N':
			if !isD {
				return false
			}
		case 'A':
			if !isA {
				return false
			}
		case 'P':
			if !isD && !isA {
				return false
			}
		}
	}
	return true
}

// ValidNANP reports whether the 10 digits d are a North American Numbering
// Plan number: area code and exchange [2-9]XX, neither of the form N11, and
// the area not 37X or 96X (reserved) nor 555.
func ValidNANP(d []byte) bool {
	return len(d) == 10 && isDigits(d) && validNANP(d)
}

// validNANP is ValidNANP for ten digits.
func validNANP(d []byte) bool {
	if d[0] < '2' || d[3] < '2' {
		return false
	}
	if d[1] == '1' && d[2] == '1' || d[4] == '1' && d[5] == '1' {
		return false
	}
	area := num(d[:3])
	if area == 555 || area/10 == 37 || area/10 == 96 {
		return false
	}
	return !allSame(d)
}

// validDate reports whether y-m-d is a calendar date between 1900 and 2099.
func validDate(y, m, d int) bool {
	if y < 1900 || y > 2099 || m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && (y%4 == 0 && y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}
