package guard

import (
	"slices"
	"testing"
)

// Streets written with the house number last, address blocks reported
// line by line, and numbered things that are not streets.
func TestStreetShapes(t *testing.T) {
	s := mustScanner(t, Config{})
	cases := []struct {
		text string
		want []string
	}{
		// A word for a kind of street, then the name and the number.
		{"He lives on the north side of Rua Diadema 1903.", []string{"Rua Diadema 1903"}},
		{"Timotea lives on Via dei Fiorentini 17 street.", []string{"Via dei Fiorentini 17"}},
		// A house number, a name, a number: the number written last.
		{"We'll meet at Locavore, 641 Dašická 688, Turkovice u Prelouce", []string{"641 Dašická 688, Turkovice u Prelouce"}},
		// A chat answers the question where to send it.
		{"Bot: Where would you like this to be sent to? User: 5586 Þórunnarstræti 31, Arnsdorf, Germany",
			[]string{"5586 Þórunnarstræti 31, Arnsdorf, Germany"}},
		// An abbreviation's period does not end the address.
		{"Sven Hedlund\n\n85199 Avda. Rio Nalon 58\n Apt. 461\n Soto del Barco", []string{"85199 Avda. Rio Nalon 58", "Apt. 461\n Soto del Barco"}},
		// A block on lines of its own: street, unit (with the city),
		// country and postcode after a blank line; marks before lines.
		{"William Hughes\n\n20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488", []string{"20789 Allika 46", "Suite 501\n Riisa", "Estonia 62488"}},
		{"??? Freja Clausen\n??? Opencounter\n??? 83854 Strickstrasse 61\n??? Suite 292\n??? Zuoz\n??? Switzerland 53730",
			[]string{"83854 Strickstrasse 61", "Suite 292\n??? Zuoz", "Switzerland 53730"}},
		// Inside a sentence the address stays whole; so does a military one.
		{"The address of Evidera is 928 Kent Street\n Suite 112\n Springfield\n Cyprus 51034", []string{"928 Kent Street\n Suite 112\n Springfield\n Cyprus 51034"}},
		{"Dreux Joly\nPSC 3294, Box 9168\nAPO AA 61487", []string{"PSC 3294, Box 9168\nAPO AA 61487"}},
		// A street type in lower case before the number goes on; an
		// English word after the address does not.
		{"> Lina\n> 2224 Trenerys gate 232\n> Apt. 342\n> TRONDHEIM", []string{"2224 Trenerys gate 232", "Apt. 342\n> TRONDHEIM"}},
		{"Ship to 907 Larkspur Ln Suite 210 via courier.", []string{"907 Larkspur Ln Suite 210"}},
		// Numbered things that are not houses.
		{"See Chapter 12 Section 4 and Table 3 Figure 2.", nil},
		{"In 2019 Apple sold 12 million phones.", nil},
		{"Via email 3 times a week.", nil},
	}
	for _, c := range cases {
		if got := findAll(s, c.text, StreetAddress); !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
	// The name above a block and after an address cue is the addressee.
	for text, want := range map[string][]string{
		"??? Freja Clausen\n??? Opencounter\n??? 83854 Strickstrasse 61\n??? Suite 292":  {"Freja Clausen"},
		"Billing address: Sara Schwarz\n    28245 Puruntie 82 Apt. 595\n   LAPPEENRANTA": {"Sara Schwarz"},
	} {
		if got := findAll(s, text, Person); !slices.Equal(got, want) {
			t.Errorf("%q: got %q, want %q", text, got, want)
		}
	}
}
