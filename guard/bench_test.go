package guard

import (
	"fmt"
	"slices"
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

// ledgerKB is number-dense text of the ordinary kind: a ledger of dates,
// invoice numbers, quantities, prices and percentages, none of them PII.
var ledgerKB = func() string {
	var b strings.Builder
	for k := 0; b.Len() < 1024; k++ {
		fmt.Fprintf(&b, "2026-03-%02d,INV-%05d,%d units @ %d.%02d = %d.%02d USD (%d%% tax, batch %d)\n",
			1+k%28, 20931+k*7, 3+k%9, 4+k, 50-k, 13+k*3, 50+k, 6+k%3, 1000+k*13)
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

// BenchmarkScanLedger is number-dense text without PII (ledgerKB).
func BenchmarkScanLedger(b *testing.B) { benchScan(b, ledgerKB) }

// BenchmarkScanStages times the stages of Scan one by one on the
// number-dense texts, to show where the time goes: the keyword automaton,
// the token scanner (digit runs, e-mail, IPv6), the keyword-anchored and
// structural rules, and the resolution of overlapping candidates into
// findings (into a reused array).
func BenchmarkScanStages(b *testing.B) {
	s := mustScanner(b, Config{})
	for _, tc := range []struct{ name, text string }{{"numbers", numbersKB}, {"ledger", ledgerKB}} {
		sc := new(scratch)
		text := tc.text
		s.keywords(text, sc)
		sc.cands = sc.cands[:0]
		s.scanTokens(text, sc)
		tokens := len(sc.cands)
		s.scanKeywordAnchored(text, sc)
		s.structure(text, sc)
		cands := slices.Clone(sc.cands)
		stage := func(name string, f func()) {
			b.Run(tc.name+"/"+name, func(b *testing.B) {
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					f()
				}
			})
		}
		stage("keywords", func() { s.keywords(text, sc) })
		stage("tokens", func() {
			sc.cands, sc.ctxOK, sc.ctxLo = sc.cands[:0], false, 0
			s.scanTokens(text, sc)
		})
		stage("anchored+structure", func() {
			sc.cands = append(sc.cands[:0], cands[:tokens]...)
			s.scanKeywordAnchored(text, sc)
			s.structure(text, sc)
		})
		var out []Finding
		stage("resolve", func() {
			sc.cands = append(sc.cands[:0], cands...)
			out = s.resolve(sc, out[:0])
		})
	}
}

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
