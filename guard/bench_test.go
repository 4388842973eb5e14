package guard

import (
	"strings"
	"testing"
)

var proseKB = func() string {
	s := "The committee reviewed the quarterly report on regional transit and asked staff to prepare a summary of ridership, " +
		"maintenance backlogs and the status of the new fare system before the next meeting. Members noted that the budget " +
		"request for fiscal year 2027 would be presented in March, and that public comment remains open through the end of the month. "
	s += "Contact the clerk at clerk@transit.gov or (202) 456-1111 with questions. "
	for len(s) < 1024 {
		s += "Further discussion covered accessibility upgrades at three stations and the timeline for procurement. "
	}
	return s[:1024]
}()

var numbersKB = func() string {
	var b strings.Builder
	for b.Len() < 1024 {
		b.WriteString("id 460-89-9847 card 4111 1111 1111 1111 tel 202-456-1111 ip 10.20.30.40 acct 12345678 on 2024-03-01, ")
	}
	return b.String()[:1024]
}()

func benchScan(b *testing.B, text string) {
	s := mustScanner(b, Config{})
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		s.Scan(text)
	}
}

// benchAppendScan is benchScan through AppendScan with the result's array
// reused, as the stream redactor calls it: the scanner's own cost, without
// allocating the findings.
func benchAppendScan(b *testing.B, text string) {
	s := mustScanner(b, Config{})
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	var fs []Finding
	for b.Loop() {
		fs = s.AppendScan(fs[:0], text)
	}
}

// BenchmarkScanProse is mixed prose; ns/op is also the latency of a 1 KB prompt.
func BenchmarkScanProse(b *testing.B) { benchScan(b, proseKB) }

// BenchmarkScanNumbers is number-dense text.
func BenchmarkScanNumbers(b *testing.B) { benchScan(b, numbersKB) }

// BenchmarkAppendScanNumbers is BenchmarkScanNumbers with the findings'
// array reused.
func BenchmarkAppendScanNumbers(b *testing.B) { benchAppendScan(b, numbersKB) }

// BenchmarkScanProse64K is prose at 64 KB, for throughput without per-call overhead.
func BenchmarkScanProse64K(b *testing.B) { benchScan(b, strings.Repeat(proseKB, 64)) }

func BenchmarkStream(b *testing.B) {
	s := mustScanner(b, Config{})
	text := strings.Repeat(proseKB, 8)
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		r := NewStreamRedactor(s, 0)
		for k := 0; k < len(text); k += 16 {
			r.Write(text[k:min(len(text), k+16)])
		}
		r.Flush()
	}
}
