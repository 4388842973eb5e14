package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/switchboard-gov/switchboard/guard"
)

// guardCmd runs `switchboard guard SUBCOMMAND`.
func guardCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "eval" {
		fmt.Fprintln(stderr, "usage: switchboard guard eval --data DIR")
		return exitError(2)
	}
	fs := flag.NewFlagSet("guard eval", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dir := fs.String("data", "", "evaluation `DIR` with pii/, misuse/ and injection/ *.jsonl sets")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *dir == "" {
		fmt.Fprintln(stderr, "guard eval: --data DIR is required")
		return exitError(2)
	}
	s, err := guard.NewScanner(guard.Config{})
	if err != nil {
		return err
	}
	return guardEval(s, *dir, stdout)
}

// evalRow is the union of the fields the sets use.
type evalRow struct {
	ID             string     `json:"id"`
	Text           string     `json:"text"`
	Spans          []evalSpan `json:"spans"`
	EntityType     string     `json:"entity_type"`
	ExpectedCount  *int       `json:"expected_count"`
	UserInput      string     `json:"user_input"`
	Label          string     `json:"label"`
	Hazard         string     `json:"hazard"`
	L3             string     `json:"l3"`
	L4             string     `json:"l4"`
	InjectionLabel string     `json:"injection_type"`
}

type evalSpan struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Type  string `json:"type"`
}

// prf accumulates span counts for one type.
type prf struct{ tp, fp, fn, exactTP int }

func (c prf) p() float64  { return ratio(c.tp, c.tp+c.fp) }
func (c prf) r() float64  { return ratio(c.tp, c.tp+c.fn) }
func (c prf) f1() float64 { return f1(c.p(), c.r()) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func readRows(path string) ([]evalRow, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []evalRow
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for line := 1; sc.Scan(); line++ {
		if strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		var r evalRow
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s:%d: %v", path, line, err)
		}
		rows = append(rows, r)
	}
	return rows, sc.Err()
}

func guardEval(s *guard.Scanner, dir string, w io.Writer) error {
	covered := map[string]bool{}
	for _, t := range guard.PIITypes {
		covered[string(t)] = true
	}
	var benign []string // texts known to carry no prohibited use
	files, _ := filepath.Glob(filepath.Join(dir, "pii", "*.jsonl"))
	if len(files) == 0 {
		return fmt.Errorf("guard eval: no *.jsonl under %s", filepath.Join(dir, "pii"))
	}
	for _, path := range files {
		rows, err := readRows(path)
		if err != nil {
			return err
		}
		stats, uncovered, unlabelled := evalPII(s, rows, covered)
		fmt.Fprintf(w, "\n== PII: %s (%d rows)\n", filepath.Base(path), len(rows))
		printPRF(w, stats)
		if len(uncovered) > 0 {
			fmt.Fprintf(w, "not covered (not counted): %s\n", strings.Join(uncovered, ", "))
		}
		if len(unlabelled) > 0 {
			fmt.Fprintf(w, "predicted types this set does not label (not counted): %s\n", strings.Join(unlabelled, ", "))
		}
		for _, r := range rows {
			if r.EntityType == "" {
				benign = append(benign, r.Text)
			}
		}
	}
	fmt.Fprintf(w, "\n== Use categories: detection rate on positives, false-positive rate on negatives\n")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "set\tcategory\tpositives\tdetected\trate\tnegatives\tflagged\tFP rate\t")
	for _, sub := range []string{"misuse", "injection"} {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "*.jsonl"))
		for _, path := range files {
			rows, err := readRows(path)
			if err != nil {
				return err
			}
			evalUse(s, filepath.Base(path), rows, tw)
		}
	}
	var rows []evalRow
	for _, t := range benign {
		rows = append(rows, evalRow{Text: t, Label: "benign"})
	}
	evalUse(s, "pii texts (benign)", rows, tw)
	return tw.Flush()
}

// evalPII matches predictions to gold spans per row. A prediction matches a
// gold span of the same type when their code-point ranges overlap; matching
// is one-to-one, greedy in text order. "exact" counts matches with the same
// start and end. Only types that the set labels and the scanner covers are
// counted.
func evalPII(s *guard.Scanner, rows []evalRow, covered map[string]bool) (map[string]*prf, []string, []string) {
	labelled := map[string]bool{}
	for _, r := range rows {
		if r.EntityType != "" {
			labelled[r.EntityType] = true
		}
		for _, sp := range r.Spans {
			labelled[sp.Type] = true
		}
	}
	stats := map[string]*prf{}
	var uncovered []string
	for t := range labelled {
		if covered[t] {
			stats[t] = &prf{}
		} else {
			uncovered = append(uncovered, t)
		}
	}
	unl := map[string]bool{}
	for _, r := range rows {
		var pred []evalSpan
		for _, f := range s.Scan(r.Text) {
			if !f.Type.IsPII() {
				continue
			}
			if !labelled[string(f.Type)] {
				unl[string(f.Type)] = true
				continue
			}
			a, b := guard.CodePoints(r.Text, f.Start, f.End)
			pred = append(pred, evalSpan{a, b, string(f.Type)})
		}
		used := make([]bool, len(pred))
		for _, g := range r.Spans {
			st := stats[g.Type]
			if st == nil {
				continue
			}
			hit := -1
			for i, p := range pred {
				if !used[i] && p.Type == g.Type && p.Start < g.End && g.Start < p.End {
					hit = i
					break
				}
			}
			if hit < 0 {
				st.fn++
				continue
			}
			used[hit] = true
			st.tp++
			if pred[hit].Start == g.Start && pred[hit].End == g.End {
				st.exactTP++
			}
		}
		for i, p := range pred {
			if !used[i] {
				stats[p.Type].fp++
			}
		}
	}
	sort.Strings(uncovered)
	var ul []string
	for t := range unl {
		ul = append(ul, t)
	}
	sort.Strings(ul)
	return stats, uncovered, ul
}

func printPRF(w io.Writer, stats map[string]*prf) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "type\tgold\tpred\tTP\tP\tR\tF1\texact P\texact R\t")
	var types []string
	for t := range stats {
		types = append(types, t)
	}
	sort.Strings(types)
	var all prf
	line := func(name string, c prf) {
		ex := prf{tp: c.exactTP, fp: c.tp + c.fp - c.exactTP, fn: c.tp + c.fn - c.exactTP}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t\n", name, c.tp+c.fn, c.tp+c.fp, c.tp, c.p(), c.r(), c.f1(), ex.p(), ex.r())
	}
	for _, t := range types {
		c := *stats[t]
		line(t, c)
		all.tp += c.tp
		all.fp += c.fp
		all.fn += c.fn
		all.exactTP += c.exactTP
	}
	line("ALL covered", all)
	tw.Flush()
}

// useLabels returns the category a row is a positive for ("" for none) and
// whether the row is labelled at all. Rows with `label` use it; the weak
// labels of the public sets are mapped: AILuminate prv → surveillance,
// AIR-Bench tracking/profiling/predictive policing → surveillance,
// battlefield management → targeting, CyberSecEval "injection" → injection.
func useLabel(r evalRow) string {
	switch r.Label {
	case string(guard.DomesticSurveillance), string(guard.AutonomousTargeting), string(guard.PromptInjection):
		return r.Label
	case "injection":
		return string(guard.PromptInjection)
	case "benign":
		return ""
	}
	if r.Hazard == "prv" {
		return string(guard.DomesticSurveillance)
	}
	l4 := strings.ToLower(r.L4 + " " + r.L3)
	switch {
	case strings.Contains(l4, "tracking"), strings.Contains(l4, "monitoring"), strings.Contains(l4, "location"),
		strings.Contains(l4, "profiling"), strings.Contains(l4, "predictive policing"):
		return string(guard.DomesticSurveillance)
	case strings.Contains(l4, "weapon systems"), strings.Contains(l4, "battlefield"):
		return string(guard.AutonomousTargeting)
	}
	return ""
}

func evalUse(s *guard.Scanner, name string, rows []evalRow, tw io.Writer) {
	type cnt struct{ pos, det, neg, fp int }
	res := map[guard.Type]*cnt{}
	for _, t := range guard.UseTypes {
		res[t] = &cnt{}
	}
	for _, r := range rows {
		text := r.Text
		if text == "" {
			text = r.UserInput
		}
		label := useLabel(r)
		got := map[guard.Type]bool{}
		for _, f := range s.Scan(text) {
			got[f.Type] = true
		}
		for _, t := range guard.UseTypes {
			c := res[t]
			if string(t) == label {
				c.pos++
				if got[t] {
					c.det++
				}
			} else {
				c.neg++
				if got[t] {
					c.fp++
				}
			}
		}
	}
	for _, t := range guard.UseTypes {
		c := res[t]
		fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%.3f\t%d\t%d\t%.3f\t\n", name, t, c.pos, c.det, ratio(c.det, c.pos), c.neg, c.fp, ratio(c.fp, c.neg))
	}
}
