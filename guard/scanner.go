package guard

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	switchboard "github.com/switchboard-gov/switchboard"
)

// Config selects and tunes the detectors. The zero value runs every
// detector with the default thresholds.
type Config struct {
	// Detectors lists the types to run (PII types and use categories);
	// empty runs all of them.
	Detectors []Type `yaml:"detectors" json:"detectors,omitempty"`
	// MinScore is the score a PII finding needs to be reported (default
	// 0.5). Context-gated types (passport, driver licence, bank account,
	// date of birth) reach it only with a context word nearby.
	MinScore float64 `yaml:"min_score" json:"min_score,omitempty"`
	// Thresholds overrides MinScore per type. For a use category it is the
	// cue score needed (default 1.0: one strong cue, or two cue groups).
	Thresholds map[Type]float64 `yaml:"thresholds" json:"thresholds,omitempty"`
	// Terms adds words: context words for a PII type, cues for a use
	// category, or, for any other type name, literal terms reported as
	// findings of that type (a project code name, a watch-listed word).
	Terms []Term `yaml:"terms" json:"terms,omitempty"`
}

// Term is one custom word or phrase. A trailing * matches any word that
// starts with it.
type Term struct {
	Type Type   `yaml:"type" json:"type"`
	Text string `yaml:"text" json:"text"`
	// Weight is the cue weight for a use category (default 1.0: the term
	// alone reaches the default threshold).
	Weight float64 `yaml:"weight" json:"weight,omitempty"`
}

// Scanner finds PII and prohibited uses in text. It is immutable after
// NewScanner and safe for concurrent use.
type Scanner struct {
	pii      uint32 // enabled PII types, bit per PIITypes index
	thresh   [32]float64
	cats     []useCategory
	custom   []Type // custom literal-term types
	ac       *automaton
	kws      []keyword
	scratch  sync.Pool
	minScore float64
}

type scratch struct {
	hits  []acMatch
	cands []cand
	use   []useHit
	dig   []byte
}

// cand is a scored candidate before overlap resolution.
type cand struct {
	typ        Type
	start, end int
	score      float64
	rule       string
}

// DefaultThreshold is the default PII score threshold.
const DefaultThreshold = 0.5

// NewScanner compiles a scanner for cfg.
func NewScanner(cfg Config) (*Scanner, error) {
	s := &Scanner{minScore: cfg.MinScore}
	if s.minScore == 0 {
		s.minScore = DefaultThreshold
	}
	if s.minScore < 0 || s.minScore > 1 {
		return nil, invalid("guard.min_score", "min_score must be between 0 and 1, got %g", cfg.MinScore)
	}
	all := len(cfg.Detectors) == 0
	on := map[Type]bool{}
	for _, t := range cfg.Detectors {
		if !t.IsPII() && !isUse(t) {
			return nil, invalid("guard.detectors", "unknown detector %q; known: %s", t, knownTypes())
		}
		on[t] = true
	}
	for i, t := range PIITypes {
		if all || on[t] {
			s.pii |= 1 << i
		}
		s.thresh[i] = s.minScore
	}
	for t, v := range cfg.Thresholds {
		if v < 0 || (t.IsPII() && v > 1) {
			return nil, invalid("guard.thresholds."+string(t), "threshold for %s must be between 0 and 1 (use categories: above 0), got %g", t, v)
		}
		if i := typeIndex(t); i >= 0 {
			s.thresh[i] = v
		} else if !isUse(t) {
			return nil, invalid("guard.thresholds", "unknown detector %q in thresholds; known: %s", t, knownTypes())
		}
	}
	var lx lexicon
	for t, words := range contextWords {
		bit := typeBit(t)
		lx.addList(words, func(k *keyword) { k.ctx |= bit })
	}
	lx.addList(personCues, func(k *keyword) { k.flags |= kwPersonCue })
	lx.addList(streetSuffixes, func(k *keyword) { k.flags |= kwStreet })
	lx.addList(months, func(k *keyword) { k.flags |= kwMonth })
	lx.addList("apo|fpo|dpo", func(k *keyword) { k.flags |= kwStreet })
	for _, t := range UseTypes {
		if !all && !on[t] {
			continue
		}
		th, ok := cfg.Thresholds[t]
		if !ok {
			th = 1.0
		}
		ci := len(s.cats)
		s.cats = append(s.cats, useCategory{typ: t, threshold: th})
		parseCues(useCues[t], func(group string, w float64, phrase string) {
			k := lx.add(phrase)
			k.cues = append(k.cues, cueRef{cat: ci, group: group, weight: w, id: group + ":" + strings.TrimSuffix(phrase, "*")})
		})
	}
	for i, term := range cfg.Terms {
		text := strings.TrimSpace(term.Text)
		if text == "" || strings.Trim(text, "*") == "" {
			return nil, invalid(fmt.Sprintf("guard.terms[%d].text", i), "term %d has no text", i)
		}
		if term.Type == "" {
			return nil, invalid(fmt.Sprintf("guard.terms[%d].type", i), "term %q has no type", text)
		}
		switch {
		case term.Type.IsPII():
			bit := typeBit(term.Type)
			lx.add(text).ctx |= bit
		case isUse(term.Type):
			ci := s.catIndex(term.Type)
			if ci < 0 {
				continue // category disabled
			}
			w := term.Weight
			if w == 0 {
				w = 1
			}
			k := lx.add(text)
			k.cues = append(k.cues, cueRef{cat: ci, group: "custom", weight: w, id: "custom:" + strings.ToLower(text)})
		default:
			ci := -1
			for j, c := range s.custom {
				if c == term.Type {
					ci = j
				}
			}
			if ci < 0 {
				ci = len(s.custom)
				s.custom = append(s.custom, term.Type)
			}
			k := lx.add(text)
			k.cues = append(k.cues, cueRef{cat: -1 - ci, group: "term", weight: 1, id: "term:" + strings.ToLower(text)})
		}
	}
	s.ac = newAutomaton(lx.pats)
	s.kws = lx.kws
	s.scratch.New = func() any { return new(scratch) }
	return s, nil
}

func invalid(param, format string, args ...any) error {
	return &switchboard.Error{Code: switchboard.EINVALID, Param: param, Message: fmt.Sprintf(format, args...)}
}

func knownTypes() string {
	var b []string
	for _, t := range PIITypes {
		b = append(b, string(t))
	}
	for _, t := range UseTypes {
		b = append(b, string(t))
	}
	return strings.Join(b, ", ")
}

func isUse(t Type) bool {
	for _, u := range UseTypes {
		if u == t {
			return true
		}
	}
	return false
}

func typeIndex(t Type) int {
	for i, p := range PIITypes {
		if p == t {
			return i
		}
	}
	return -1
}

func (s *Scanner) catIndex(t Type) int {
	for i, c := range s.cats {
		if c.typ == t {
			return i
		}
	}
	return -1
}

func (s *Scanner) on(t Type) bool { return s.pii&typeBit(t) != 0 }

// Scan returns the findings in text, PII first (sorted by position, never
// overlapping) and then use-policy categories (at most one per category,
// spanning the cues that fired).
func (s *Scanner) Scan(text string) []Finding {
	sc := s.scratch.Get().(*scratch)
	defer s.scratch.Put(sc)
	sc.hits = s.ac.match(text, sc.hits[:0])
	sc.cands = sc.cands[:0]
	if s.pii != 0 {
		s.scanTokens(text, sc)
		s.scanKeywordAnchored(text, sc)
	}
	out := s.resolve(sc.cands)
	// Use-policy cues and custom terms.
	sc.use = sc.use[:0]
	for _, h := range sc.hits {
		for k := range s.kws[h.pat].cues {
			ref := &s.kws[h.pat].cues[k]
			if ref.cat < 0 {
				out = append(out, Finding{Type: s.custom[-1-ref.cat], Start: int(h.start), End: int(h.end),
					Score: 1, Rule: "term." + strings.ToLower(string(s.custom[-1-ref.cat])), Cues: []string{ref.id}})
				continue
			}
			sc.use = append(sc.use, useHit{int(h.start), int(h.end), ref})
		}
	}
	if len(sc.use) > 0 {
		out = s.scoreUse(sc.use, out)
	}
	return out
}

// resolve keeps, among overlapping candidates that reach their threshold,
// the highest-scoring (then longest) one, and sorts the result by position.
func (s *Scanner) resolve(cs []cand) []Finding {
	if len(cs) == 0 {
		return nil
	}
	keep := cs[:0]
	for _, c := range cs {
		if i := typeIndex(c.typ); i >= 0 && s.pii&(1<<i) != 0 && c.score >= s.thresh[i] {
			keep = append(keep, c)
		}
	}
	slices.SortStableFunc(keep, func(a, b cand) int {
		if a.score != b.score {
			return cmp.Compare(b.score, a.score)
		}
		if la, lb := a.end-a.start, b.end-b.start; la != lb {
			return cmp.Compare(lb, la)
		}
		return cmp.Compare(a.start, b.start)
	})
	var out []Finding
	for _, c := range keep {
		overlaps := false
		for _, f := range out {
			if c.start < f.End && f.Start < c.end {
				overlaps = true
				break
			}
		}
		if !overlaps {
			sc := c.score
			if sc > 1 {
				sc = 1
			}
			out = append(out, Finding{Type: c.typ, Start: c.start, End: c.end, Score: sc, Rule: c.rule})
		}
	}
	slices.SortFunc(out, func(a, b Finding) int { return cmp.Compare(a.Start, b.Start) })
	return out
}

// Context windows, in bytes, before and after a candidate.
const (
	ctxBefore = 64
	ctxAfter  = 32
)

// hasCtx reports whether a context word for t lies within the window around
// [start, end).
func (s *Scanner) hasCtx(sc *scratch, t Type, start, end int) bool {
	bit := typeBit(t)
	hits := sc.hits
	// Hits are ordered by end; skip those ending before the window.
	i := sort.Search(len(hits), func(i int) bool { return int(hits[i].end) >= start-ctxBefore })
	for ; i < len(hits); i++ {
		h := hits[i]
		if int(h.start) > end+ctxAfter {
			break
		}
		if s.kws[h.pat].ctx&bit == 0 {
			continue
		}
		if int(h.end) <= start || int(h.start) >= end {
			return true
		}
	}
	return false
}

// add records a candidate scored base, plus boost when a context word for
// t is near.
func (s *Scanner) add(sc *scratch, t Type, start, end int, base, boost float64, rule string) {
	if !s.on(t) {
		return
	}
	score := base
	if boost > 0 && score+boost >= s.thresh[typeIndex(t)] && s.hasCtx(sc, t, start, end) {
		score += boost
	}
	if score < s.thresh[typeIndex(t)] {
		return
	}
	sc.cands = append(sc.cands, cand{t, start, end, score, rule})
}
