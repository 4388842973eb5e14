package guard

import "testing"

func TestValidators(t *testing.T) {
	cases := []struct {
		name string
		f    func([]byte) bool
		in   string
		want bool
	}{
		{"ssn ok", ValidSSN, "460899847", true},
		{"ssn woolworth", ValidSSN, "078051120", false},
		{"ssn 219-09-9999", ValidSSN, "219099999", false},
		{"ssn 123-45-6789", ValidSSN, "123456789", false},
		{"ssn area 000", ValidSSN, "000123456", false},
		{"ssn area 666", ValidSSN, "666123456", false},
		{"ssn area 9xx", ValidSSN, "912345678", false},
		{"ssn group 00", ValidSSN, "123004567", false},
		{"ssn serial 0000", ValidSSN, "123450000", false},
		{"ssn repeated", ValidSSN, "111111111", false},
		{"ssn short", ValidSSN, "12345678", false},
		{"itin ok 70", ValidITIN, "912701234", true},
		{"itin ok 94", ValidITIN, "900941234", true},
		{"itin group 93", ValidITIN, "912931234", false},
		{"itin group 89", ValidITIN, "912891234", false},
		{"itin area 8xx", ValidITIN, "812701234", false},
		{"luhn visa", Luhn, "4111111111111111", true},
		{"luhn fail", Luhn, "4111111111111112", false},
		{"card visa", ValidCard, "4111111111111111", true},
		{"card amex", ValidCard, "378282246310005", true},
		{"card mc 2-series", ValidCard, "2221000000000009", true},
		{"card luhn fail", ValidCard, "4111111111111121", false},
		{"card bad iin", ValidCard, "9111111111111111", false},
		{"card bad length", ValidCard, "41111111111111", false},
		{"aba ok", ValidABA, "121000358", true},
		{"aba ok 2", ValidABA, "322271627", true},
		{"aba checksum", ValidABA, "121000359", false},
		{"aba prefix", ValidABA, "421000358", false},
		{"npi ok", ValidNPI, "1245319599", true},
		{"npi luhn", ValidNPI, "1245319598", false},
		{"npi prefix", ValidNPI, "3245319599", false},
		{"dea ok", ValidDEA, "AB1234563", true},
		{"dea check digit", ValidDEA, "AB1234564", false},
		{"dea first letter", ValidDEA, "IB1234563", false},
		{"vin ok", ValidVIN, "1HGCM82633A004352", true},
		{"vin check digit", ValidVIN, "1HGCM82643A004352", false},
		{"vin letter O", ValidVIN, "1HGCM82633A00435O", false},
		{"vin X check", ValidVIN, "1M8GDM9AXKP042788", true},
		{"mbi ok", ValidMBI, "1EG4TE5MK73", true},
		{"mbi S not allowed", ValidMBI, "1SG4TE5MK73", false},
		{"mbi leading zero", ValidMBI, "0EG4TE5MK73", false},
		{"mbi short", ValidMBI, "1EG4TE5MK7", false},
		{"ein ok", ValidEIN, "123456789", true},
		{"ein bad prefix 07", ValidEIN, "071234567", false},
		{"ein bad prefix 00", ValidEIN, "001234567", false},
		{"nanp ok", ValidNANP, "2025550143", true},
		{"nanp area 555", ValidNANP, "5552345678", false},
		{"nanp ok 2", ValidNANP, "2024561111", true},
		{"nanp area 1xx", ValidNANP, "1234567890", false},
		{"nanp N11 area", ValidNANP, "2115551234", false},
		{"nanp exchange 0", ValidNANP, "2020551234", false},
	}
	for _, c := range cases {
		if got := c.f([]byte(c.in)); got != c.want {
			t.Errorf("%s: %s → %v, want %v", c.name, c.in, got, c.want)
		}
	}
	if CardIssuer([]byte("378282246310005")) != "amex" {
		t.Error("amex issuer")
	}
	if !validDate(2000, 2, 29) || validDate(1900, 2, 29) || validDate(2001, 4, 31) {
		t.Error("calendar")
	}
	for _, tld := range []string{"com", "GOV", "uk", "museum"} {
		if !knownTLD(tld) {
			t.Errorf("knownTLD(%q) = false", tld)
		}
	}
	for _, tld := range []string{"invalidtld", "c", "local", "zz"} {
		if knownTLD(tld) {
			t.Errorf("knownTLD(%q) = true", tld)
		}
	}
}
