package web

import (
	"sort"
	"strconv"
	"strings"
)

// entityNames are the plain-language names of guardrail entity types.
var entityNames = map[string]string{
	"US_SSN":            "SSN",
	"SSN":               "SSN",
	"PHONE_NUMBER":      "phone number",
	"EMAIL_ADDRESS":     "email address",
	"EMAIL":             "email address",
	"CREDIT_CARD":       "credit card number",
	"US_PASSPORT":       "passport number",
	"US_DRIVER_LICENSE": "driver's license number",
	"US_BANK_NUMBER":    "bank account number",
	"US_ITIN":           "taxpayer ID",
	"IP_ADDRESS":        "IP address",
	"PERSON":            "name",
	"LOCATION":          "address",
	"STREET_ADDRESS":    "street address",
	"DATE_OF_BIRTH":     "date of birth",
	"MEDICAL_RECORD":    "medical record number",
}

// GuardrailNote turns the Switchboard-Guardrail header ("redacted:
// US_SSN=1, PHONE_NUMBER=1"; several actions separated by ";") into a
// sentence for people ("2 items redacted: SSN, phone number"). Unknown
// entity types are shown in lower case with spaces.
func GuardrailNote(h string) string {
	h = strings.TrimSpace(h)
	if h == "" {
		return ""
	}
	var notes []string
	for _, part := range strings.Split(h, ";") {
		action, list, ok := strings.Cut(part, ":")
		action = strings.ToLower(strings.TrimSpace(action))
		if !ok {
			list, action = action, "flagged"
		}
		total, names, seen := 0, []string(nil), map[string]bool{}
		for _, item := range strings.Split(list, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			typ, count, hasCount := strings.Cut(item, "=")
			n := 1
			if hasCount {
				if v, err := strconv.Atoi(strings.TrimSpace(count)); err == nil && v > 0 {
					n = v
				}
			}
			total += n
			name := entityName(strings.TrimSpace(typ))
			if !seen[name] {
				seen[name] = true
				names = append(names, name)
			}
		}
		if action == "" {
			continue
		}
		if total == 0 {
			notes = append(notes, "Request "+action+" by the guardrails")
			continue
		}
		noun := "items"
		if total == 1 {
			noun = "item"
		}
		switch action {
		case "blocked":
			notes = append(notes, "Blocked: the request contained "+strings.Join(names, ", "))
		default:
			notes = append(notes, strconv.Itoa(total)+" "+noun+" "+action+": "+strings.Join(names, ", "))
		}
	}
	sort.SliceStable(notes, func(i, j int) bool {
		return strings.HasPrefix(notes[i], "Blocked") && !strings.HasPrefix(notes[j], "Blocked")
	})
	return strings.Join(notes, "; ")
}

func entityName(t string) string {
	if n, ok := entityNames[strings.ToUpper(t)]; ok {
		return n
	}
	return strings.ToLower(strings.ReplaceAll(t, "_", " "))
}
