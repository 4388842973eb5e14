package main

import (
	"encoding/json"
	"testing"
	"time"
)

func TestParseStatCPU(t *testing.T) {
	// A command name with a space and a parenthesis, as /proc allows.
	line := []byte("4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194560 100 0 0 0 17 5 0 0 20 0 3 0 100 1000 200 18446744073709551615\n")
	got, err := parseStatCPU(line)
	if err != nil {
		t.Fatal(err)
	}
	if got != 22 {
		t.Errorf("utime+stime = %d, want 17+5 = 22", got)
	}
	if _, err := parseStatCPU([]byte("4242 (cmd) S 1 2")); err == nil {
		t.Error("a truncated stat line was accepted")
	}
}

func TestParseStatusKiB(t *testing.T) {
	status := []byte("Name:\tswitchboard\nVmPeak:\t  900000 kB\nVmHWM:\t   30720 kB\nVmRSS:\t   20480 kB\n")
	for name, want := range map[string]int64{"VmHWM": 30720, "VmRSS": 20480} {
		got, err := parseStatusKiB(status, name)
		if err != nil || got != want {
			t.Errorf("%s = %d, %v; want %d", name, got, err, want)
		}
	}
	if _, err := parseStatusKiB(status, "VmSwap"); err == nil {
		t.Error("a missing line was not reported")
	}
}

func TestPercentile(t *testing.T) {
	var ds []time.Duration
	for i := 1; i <= 100; i++ {
		ds = append(ds, time.Duration(i))
	}
	for p, want := range map[float64]time.Duration{50: 50, 99: 99, 100: 100, 0: 1} {
		if got := percentile(ds, p); got != want {
			t.Errorf("p%v = %d, want %d", p, got, want)
		}
	}
	if got := percentile(nil, 50); got != 0 {
		t.Errorf("p50 of nothing = %d, want 0", got)
	}
}

func TestChatBody(t *testing.T) {
	for _, stream := range []bool{false, true} {
		b := chatBody("m-openai", stream)
		var v struct {
			Model    string           `json:"model"`
			Messages []map[string]any `json:"messages"`
			Stream   bool             `json:"stream"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("stream=%v: %v\n%s", stream, err, b)
		}
		if v.Model != "m-openai" || len(v.Messages) != 2 || v.Stream != stream {
			t.Errorf("stream=%v: decoded %+v", stream, v)
		}
		if len(b) < 400 || len(b) > 700 {
			t.Errorf("stream=%v: body is %d bytes, want about 500", stream, len(b))
		}
	}
}

func TestCheckAnswer(t *testing.T) {
	if err := checkAnswer([]byte(`data: {"choices":[{"finish_reason":"stop"}]}`+"\n\n"), true); err == nil {
		t.Error("a stream without [DONE] was accepted")
	}
	if err := checkAnswer([]byte(`data: {"choices":[{"finish_reason":"stop"}]}`+"\n\ndata: [DONE]\n\n"), true); err != nil {
		t.Error(err)
	}
	if err := checkAnswer([]byte(`{"error":{}}`), false); err == nil {
		t.Error("an error body was accepted")
	}
}
