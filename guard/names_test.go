package guard

import (
	"slices"
	"strings"
	"testing"
)

// Names of many languages, found from the world lists, the shapes of
// family names and the cues around them; and the capitalised words that
// must stay words.
func TestWorldNameRules(t *testing.T) {
	s := mustScanner(t, Config{})
	cases := []struct {
		text string
		want []string
	}{
		// A given name of the world list, a family name of the list, a
		// family-name shape, each alone.
		{"Why is Mette so impulsive?", []string{"Mette"}},
		{"Unlike the Pereira novel, it is short.", []string{"Pereira"}},
		{"Unlike the Ásgeirsdóttir novel, it is short.", []string{"Ásgeirsdóttir"}},
		{"The report was checked by Kira Fransson last year.", []string{"Kira Fransson"}},
		{"Ask Cleopatra Mordvinova about it.", []string{"Cleopatra Mordvinova"}},
		{"This song by ex-Zombie Seppinen is a classic.", []string{"Seppinen"}},
		// Coordination with a listed family name.
		{"Kadiev and Adams were precision engineers.", []string{"Kadiev", "Adams"}},
		// A possessive ends the name.
		{"The verses from Faina D. Yefremova's Cautionary Tales.", []string{"Faina D. Yefremova"}},
		// A middle initial without a period, even "A".
		{"Name: Martim A Pereira", []string{"Martim A Pereira"}},
		// Cues: addressing someone, naming, a chat answer, an apposition.
		{"Kuba, can I please speak to your boss?", []string{"Kuba"}},
		{"Sometimes people call me Piusz", []string{"Piusz"}},
		{"sometimes people call me višeslav", []string{"višeslav"}},
		{"She named him Timmie", []string{"Timmie"}},
		{"Bot: What's the name on the account? User: Vilma Holm", []string{"Vilma Holm"}},
		{"Kristíana R Valbergsdóttir, the cinematographer, said: \"fine\".", []string{"Kristíana R Valbergsdóttir"}},
		{"I'm so jealous! said Gladys to Logan", []string{"Gladys", "Logan"}},
		{"A tribute to Hanna Ukkonen, who played here.", []string{"Hanna Ukkonen"}},
		{"Dzhambek is from Civic Impulse LLC", []string{"Dzhambek"}},
		// The whole name again, not its words one by one.
		{"Ngozi Adeyemi lives at the end of the road. Ngozi Adeyemi said no.", []string{"Ngozi Adeyemi", "Ngozi Adeyemi"}},
		{"> Mijail C Adomo\n> Asc Partners\n> Mijail C Adomo\n> 935 Gordon Terrace\n> Suite 828", []string{"Mijail C Adomo", "Mijail C Adomo"}},

		// Firms named after people, streets, places: no person.
		{"The Davis, Reynolds and Williamson Orchestra was founded in 1977.", nil},
		{"Tomomi is from Hawkins, Richardson and Santana", []string{"Tomomi"}},
		{"I work for Ellis-Ingram and then Fritz-Armstrong.", nil},
		{"Thomas and Sons is a bank.", nil},
		{"Russell Investments is a design agency.", nil},
		{"Cover the Johnson & Johnson filings.", nil},
		{"Castro Street is closed.", nil},
		{"He lives on the north side of Joaquin Suarez 2906.", nil},
		{"We flew from San Antonio to Santa Ana and Port Louis.", nil},
		{"The Geneva, Alaska and Moldova offices are closed.", nil},
		// Words before a comma that open a sentence are not addressees.
		{"Okay, can you help me? Honestly, could you check? Siri, can you set a timer?", nil},
		// Family names that are English words stay words.
		{"Brown rice, a Baker street view and Young people.", nil},
		// A word of family-name shape in lower case is a word.
		{"the jensen file was chosen.", nil},
	}
	for _, c := range cases {
		if got := findAll(s, c.text, Person); !slices.Equal(got, c.want) {
			t.Errorf("%q: got %q, want %q", c.text, got, c.want)
		}
	}
}

func TestFamilyShape(t *testing.T) {
	for _, w := range []string{"Fransson", "Jensen", "Virtanen", "Petrosyan", "Popov", "Ivanova", "Kowalski",
		"Wiśniewska", "Fernández", "Kowalczyk", "Jovanović", "Nováková", "Novotný", "Popescu", "Papadopoulos",
		"Beridze", "Sigurðardóttir", "Shevchenko", "McDowell", "O'Brien"} {
		if !familyShape(w) {
			t.Errorf("familyShape(%q) = false", w)
		}
	}
	for _, w := range []string{"Members", "Further", "Contact", "Street", "Report", "Tuesday", "Washington", "Mac"} {
		if familyShape(w) {
			t.Errorf("familyShape(%q) = true", w)
		}
	}
}

// The world lists are looked up per capitalised word: a name matches as
// written, with a capital, whatever its first letter.
func TestNameKind(t *testing.T) {
	for w, k := range map[string]uint8{"Ágnes": kindWorldGiven, "Mette": kindWorldGiven, "Jennifer": kindUSGiven,
		"Nowak": kindFamily, "Søndergaard": 0, "mette": 0} {
		if got := nameKind[w] & k; got != k || k == 0 && nameKind[w] != 0 {
			t.Errorf("nameKind[%q] = %b, want %b", w, nameKind[w], k)
		}
		if k != 0 && !wordFilter.has(w) {
			t.Errorf("wordFilter misses %q", w)
		}
	}
}

// A stream decides as the whole text does, with names and address blocks
// found by the rules over capitalised words and lines.
func TestStreamNamesAndBlocks(t *testing.T) {
	s := mustScanner(t, Config{})
	filler := strings.Repeat("ordinary words go here ", 12)
	text := filler + ". Kuba, can I please speak to Kira Fransson? " + filler +
		"William Hughes\n\n20789 Allika 46\n Suite 501\n Riisa\n\n Estonia 62488\n" + filler +
		"The Davis, Reynolds and Williamson Orchestra met Mette Jensen at Rua Diadema 1903. " + filler +
		"Mette Jensen said no; Jensen left. " + filler
	want := Redact(text, s.Scan(text))
	for _, n := range []int{1, 3, 7, 16, 61} {
		var chunks []string
		for k := 0; k < len(text); k += n {
			chunks = append(chunks, text[k:min(len(text), k+n)])
		}
		if got := streamAll(s, chunks); got != want {
			t.Errorf("chunks of %d:\nstream %q\nwhole  %q", n, got, want)
		}
	}
	for _, leak := range []string{"Kuba", "Fransson", "Allika", "62488", "Mette", "Diadema"} {
		if strings.Contains(want, leak) {
			t.Errorf("redacted text still holds %q: %q", leak, want)
		}
	}
}
