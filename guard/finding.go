// Package guard detects US-person PII and prohibited uses in text, in process
// and in microseconds, and redacts it, whole or streamed.
package guard

import "unicode/utf8"

// Type names a kind of finding. PII types follow the labels of the evaluation
// sets (Presidio's names) so results compare directly; use-policy categories
// are lower case.
type Type string

// PII types.
const (
	SSN           Type = "US_SSN"
	ITIN          Type = "US_ITIN"
	Passport      Type = "US_PASSPORT"
	DriverLicense Type = "US_DRIVER_LICENSE"
	Phone         Type = "PHONE_NUMBER"
	Email         Type = "EMAIL_ADDRESS"
	IPAddress     Type = "IP_ADDRESS"
	DateOfBirth   Type = "DATE_OF_BIRTH"
	CreditCard    Type = "CREDIT_CARD"
	ABARouting    Type = "ABA_ROUTING_NUMBER"
	BankAccount   Type = "US_BANK_NUMBER"
	MedicareMBI   Type = "US_MBI"
	NPI           Type = "US_NPI"
	DEA           Type = "DEA_NUMBER"
	VIN           Type = "VIN"
	EIN           Type = "EIN"
	StreetAddress Type = "STREET_ADDRESS"
	Person        Type = "PERSON"
)

// Use-policy categories.
const (
	DomesticSurveillance Type = "domestic_surveillance"
	AutonomousTargeting  Type = "autonomous_targeting"
	PromptInjection      Type = "prompt_injection"
)

// PIITypes lists every PII type the scanner detects, in a stable order.
var PIITypes = []Type{SSN, ITIN, Passport, DriverLicense, Phone, Email, IPAddress,
	DateOfBirth, CreditCard, ABARouting, BankAccount, MedicareMBI, NPI, DEA, VIN, EIN,
	StreetAddress, Person}

// UseTypes lists the use-policy categories.
var UseTypes = []Type{DomesticSurveillance, AutonomousTargeting, PromptInjection}

// IsPII reports whether t is a PII type (as opposed to a use category).
func (t Type) IsPII() bool {
	for _, p := range PIITypes {
		if p == t {
			return true
		}
	}
	return false
}

// Finding is one detection. Start and End are byte offsets into the scanned
// string (End exclusive, always on UTF-8 boundaries); a Finding never holds
// the matched value itself, so it can be logged or audited as is.
type Finding struct {
	Type  Type
	Start int
	End   int
	// Score is the confidence in [0, 1]: a base score per validated match,
	// raised by context words near it.
	Score float64
	// Rule identifies the rule that fired, e.g. "pii.us_ssn.delimited".
	Rule string
	// Cues lists the cue ids that fired for a use-policy finding, so a
	// decision can be explained; empty for PII.
	Cues []string
}

// CodePoints converts the byte offsets [start, end) of text to code-point
// offsets, as Python string indices count them (the evaluation sets' unit).
func CodePoints(text string, start, end int) (int, int) {
	cs := utf8.RuneCountInString(text[:start])
	return cs, cs + utf8.RuneCountInString(text[start:end])
}

// ByteOffset converts a code-point offset in text to a byte offset; offsets
// past the end map to len(text).
func ByteOffset(text string, cp int) int {
	n := 0
	for i := range text {
		if n == cp {
			return i
		}
		n++
	}
	return len(text)
}
