package proxy

import (
	"errors"
	"testing"

	"github.com/switchboard-gov/switchboard/guard"
)

func TestParseVerdict(t *testing.T) {
	tests := []struct {
		in    string
		types []guard.Type
		fails bool
	}{
		{"safe", nil, false},
		{"  Safe \n", nil, false},
		{"unsafe\nS1, S15", []guard.Type{"classifier_S1", guard.DomesticSurveillance}, false},
		{"unsafe\nS16", []guard.Type{guard.AutonomousTargeting}, false},
		{"unsafe", []guard.Type{"classifier_unsafe"}, false},
		{"", nil, true},
		{"I cannot help with that.", nil, true},
	}
	for _, tt := range tests {
		fs, err := parseVerdict(tt.in)
		if (err != nil) != tt.fails || (err != nil && !errors.Is(err, errClassifier)) {
			t.Errorf("%q: err = %v", tt.in, err)
			continue
		}
		if len(fs) != len(tt.types) {
			t.Errorf("%q: %d findings, want %d", tt.in, len(fs), len(tt.types))
			continue
		}
		for i := range fs {
			if fs[i].Type != tt.types[i] {
				t.Errorf("%q: finding %d is %s, want %s", tt.in, i, fs[i].Type, tt.types[i])
			}
		}
	}
}
