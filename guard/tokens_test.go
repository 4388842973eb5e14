package guard

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// tokenCands runs a token scanner over text and returns its candidates.
func tokenCands(s *Scanner, text string, scan func(*Scanner, string, *scratch)) []cand {
	sc := new(scratch)
	s.keywords(text, sc)
	scan(s, text, sc)
	return sc.cands
}

// checkTokens fails t when the token scanner and its reference
// (tokens_ref_test.go) disagree on text.
func checkTokens(t testing.TB, s *Scanner, text string) {
	t.Helper()
	got := tokenCands(s, text, (*Scanner).scanTokens)
	want := tokenCands(s, text, (*Scanner).refScanTokens)
	if !slices.Equal(got, want) {
		t.Fatalf("%q:\n got %v\nwant %v", text, got, want)
	}
}

// digitText makes text dense with numbers in the shapes the detectors
// read (grouped, bracketed, signed, with extensions and times) and the
// words that give them context.
func digitText(rng *rand.Rand) string {
	words := []string{"ssn", "SSN:", "card", "visa", "tel", "phone", "call", "acct", "account", "dob", "born",
		"routing", "aba", "npi", "medicare", "passport", "dl", "license", "vin", "dea", "ein", "ip", "on", "x", "ext",
		"the", "id", "é", "\n", "e-mail", "user@agency.gov", "fe80::1", "1EG4-TE5-MK73", "AB1234563"}
	seps := []string{"-", ".", " ", "/", "(", ")", "+", ":", " (", ") ", "+1 ", "x", ", ", "  ", "a", "Z"}
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + rng.IntN(10))
		}
		return string(b)
	}
	var b strings.Builder
	for n := 1 + rng.IntN(16); n > 0; n-- {
		switch r := rng.IntN(10); {
		case r < 5:
			b.WriteString(digits(1 + rng.IntN(rng.IntN(20)+1)))
		case r < 8:
			b.WriteString(seps[rng.IntN(len(seps))])
		default:
			b.WriteString(" " + words[rng.IntN(len(words))] + " ")
		}
	}
	return b.String()
}

func TestTokensMatchReference(t *testing.T) {
	scanners := []*Scanner{
		mustScanner(t, Config{}),
		mustScanner(t, Config{Detectors: []Type{Phone, BankAccount}, MinScore: 0.3}),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, s := range scanners {
		checkTokens(t, s, numbersKB)
		checkTokens(t, s, proseKB)
		for range 20000 {
			checkTokens(t, s, digitText(rng))
		}
		// Long texts, where the context window moves over many hits.
		for range 50 {
			var b strings.Builder
			for b.Len() < 4000 {
				b.WriteString(digitText(rng))
			}
			checkTokens(t, s, b.String())
		}
	}
}

func FuzzTokens(f *testing.F) {
	for _, seed := range []string{numbersKB, proseKB, "call (202) 456-1111 x12", "+1 (555) 234-5678",
		"1978-04-13 12:20:39", "ssn 460 89 9847", "card 4111-1111-1111-1111", "10.1.2.3.4", "3/12/90"} {
		f.Add(seed)
	}
	s := mustScanner(f, Config{})
	f.Fuzz(func(t *testing.T, text string) { checkTokens(t, s, text) })
}

// marked reports whether byte k of a SWAR result is marked.
func marked(m uint64, k int) bool { return m>>(8*k+7)&1 != 0 }

func TestSWAR(t *testing.T) {
	check := func(w [8]byte) {
		x := binary.LittleEndian.Uint64(w[:])
		for _, m := range []uint64{swarDigits(x), swarTrigger(x), swarByte(x, '@')} {
			if m&^swarHigh != 0 {
				t.Fatalf("% x: stray bits %#x", w, m)
			}
		}
		for k, c := range w {
			if marked(swarDigits(x), k) != isDigit(c) ||
				marked(swarTrigger(x), k) != (byteClass[c]&trigger != 0) ||
				marked(swarByte(x, '@'), k) != (c == '@') {
				t.Fatalf("% x: byte %d (%#x) misread", w, k, c)
			}
		}
	}
	rng := rand.New(rand.NewPCG(3, 4))
	// Every byte value at every position, among random neighbours.
	for c := range 256 {
		for k := range 8 {
			var w [8]byte
			binary.LittleEndian.PutUint64(w[:], rng.Uint64())
			w[k] = byte(c)
			check(w)
		}
	}
	// Words of the bytes near the ranges' edges.
	edge := []byte{0, '/', '0', '9', ':', ';', '?', '@', 'A', 0x7f, 0x80, 0xb0, 0xba, 0xc0, 0xff}
	for range 20000 {
		var w [8]byte
		for k := range w {
			w[k] = edge[rng.IntN(len(edge))]
		}
		check(w)
	}
}

func TestDigitEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		b := make([]byte, rng.IntN(40))
		for k := range b {
			b[k] = "0123456789 -a:\xc3"[rng.IntN(15)]
		}
		text := string(b)
		if len(text) >= 8 && load64(text, len(text)-8) != tailWord(text[len(text)-8:]) {
			t.Fatalf("%q: tailWord differs from load64", text)
		}
		for i := range len(text) {
			want := i
			for want < len(text) && isDigit(text[want]) {
				want++
			}
			if got := digitEnd(text, i); got != want {
				t.Fatalf("digitEnd(%q, %d) = %d, want %d", text, i, got, want)
			}
		}
	}
}

func TestValidIPv4(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for range 20000 {
		var parts [4]string
		var shape uint32
		for k := range parts {
			n := 1 + rng.IntN(4)
			parts[k] = fmt.Sprintf("%0*d", n, rng.IntN(300))[:n]
			shape |= uint32(n) << (8 * k)
		}
		a, err := netip.ParseAddr(strings.Join(parts[:], "."))
		want := err == nil && a.Is4()
		if got := validIPv4([]byte(strings.Join(parts[:], "")), shape); got != want {
			t.Fatalf("%v: validIPv4 = %v, netip says %v", parts, got, want)
		}
	}
}

// refLuhn is the Luhn check as the definition reads.
func refLuhn(d []byte) bool {
	sum, dbl := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if dbl {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		dbl = !dbl
	}
	return sum%10 == 0
}

func TestLuhnMatchesDefinition(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for range 20000 {
		d := make([]byte, 1+rng.IntN(19))
		for k := range d {
			d[k] = byte('0' + rng.IntN(10))
		}
		if Luhn(d) != refLuhn(d) {
			t.Fatalf("Luhn(%s) = %v", d, Luhn(d))
		}
		if len(d) == 10 {
			want := (d[0] == '1' || d[0] == '2') && !allSame(d[1:]) && refLuhn(append([]byte("80840"), d...))
			if ValidNPI(d) != want {
				t.Fatalf("ValidNPI(%s) = %v", d, !want)
			}
		}
	}
	if Luhn([]byte("4111x11111111111")) || Luhn(nil) {
		t.Error("Luhn accepts non-digits")
	}
}

func TestTypeIndexes(t *testing.T) {
	for i, typ := range PIITypes {
		if typeIndex(typ) != i {
			t.Errorf("typeIndex(%s) = %d, want %d (its place in PIITypes)", typ, typeIndex(typ), i)
		}
	}
	if typeIndex(PromptInjection) != -1 {
		t.Error("a use category has a PII index")
	}
}
