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
	keep  []int32
	done  []bool
	// Context bits memoised for the last span asked about.
	ctxOK            bool
	ctxStart, ctxEnd int
	ctxBits          uint32
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
	lx.addList(firstNames, func(k *keyword) { k.flags |= kwFirstName })
	lx.addList(personAfter, func(k *keyword) { k.flags |= kwPersonAfter })
	lx.addList(addrCues, func(k *keyword) { k.flags |= kwAddrCue })
	lx.addList(unitWords, func(k *keyword) { k.flags |= kwUnit })
	lx.addList(initials, func(k *keyword) { k.flags |= kwInitial })
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
		s.cats = append(s.cats, useCategory{typ: t, threshold: th, rule: "use." + strings.ToLower(string(t))})
		parseCues(useCues[t], func(group string, w float64, phrase string) {
			k := lx.add(phrase)
			k.cues = append(k.cues, cueRef{cat: ci, gi: groupIndex(group), weight: w, id: group + ":" + strings.TrimSuffix(phrase, "*")})
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
			k.cues = append(k.cues, cueRef{cat: ci, gi: groupIndex("custom"), weight: w, id: "custom:" + strings.ToLower(text)})
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
			k.cues = append(k.cues, cueRef{cat: -1 - ci, gi: groupIndex("term"), weight: 1, id: "term:" + strings.ToLower(text)})
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
	// A switch compiles to a length-then-value search, cheaper than a loop
	// over PIITypes on the per-candidate path.
	switch t {
	case SSN:
		return 0
	case ITIN:
		return 1
	case Passport:
		return 2
	case DriverLicense:
		return 3
	case Phone:
		return 4
	case Email:
		return 5
	case IPAddress:
		return 6
	case DateOfBirth:
		return 7
	case CreditCard:
		return 8
	case ABARouting:
		return 9
	case BankAccount:
		return 10
	case MedicareMBI:
		return 11
	case NPI:
		return 12
	case DEA:
		return 13
	case VIN:
		return 14
	case EIN:
		return 15
	case StreetAddress:
		return 16
	case Person:
		return 17
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
	sc.ctxOK = false
	if s.pii != 0 {
		s.scanTokens(text, sc)
		s.scanKeywordAnchored(text, sc)
		if s.on(Person) {
			// Speakers and block heads are line structure.
			if strings.IndexByte(text, '\n') >= 0 {
				s.speakers(text, sc)
				s.blockHead(text, sc)
			}
			s.lists(text, sc)
			s.repeats(text, sc)
		}
	}
	out := s.resolve(sc)
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
// the highest-scoring (then longest, then first) one, and returns the
// result sorted by position. Only candidates that overlap can exclude one
// another, so the choice is made per cluster of overlapping candidates
// found by one sweep over the candidates sorted by start; a cluster is
// usually the few readings of one digit run.
func (s *Scanner) resolve(sc *scratch) []Finding {
	cs := sc.cands
	if len(cs) == 0 {
		return nil
	}
	if !slices.IsSortedFunc(cs, candByStart) {
		slices.SortFunc(cs, candByStart)
	}
	// Pass 1 marks the winners in place (keep), pass 2 copies them out, so
	// the result is allocated once at its final size.
	keep := sc.keep[:0]
	for lo := 0; lo < len(cs); {
		hi, end := lo+1, cs[lo].end
		for hi < len(cs) && cs[hi].start < end {
			end = max(end, cs[hi].end)
			hi++
		}
		if hi-lo == 1 {
			keep = append(keep, int32(lo))
		} else {
			if cap(sc.done) < len(cs) {
				sc.done = make([]bool, len(cs))
			}
			done := sc.done[:len(cs)]
			clear(done[lo:hi])
			keep = pick(cs, done, lo, hi, keep)
		}
		lo = hi
	}
	sc.keep = keep
	slices.Sort(keep)
	out := make([]Finding, len(keep))
	for i, k := range keep {
		c := &cs[k]
		out[i] = Finding{Type: c.typ, Start: c.start, End: c.end, Score: min(c.score, 1), Rule: c.rule}
	}
	return out
}

func candByStart(a, b cand) int { return cmp.Compare(a.start, b.start) }

// better reports whether a wins over b when they overlap.
func better(a, b *cand) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	if la, lb := a.end-a.start, b.end-b.start; la != lb {
		return la > lb
	}
	return a.start < b.start
}

// pick appends to keep the winners within the cluster cs[lo:hi]: greedily
// the best candidate that overlaps no winner so far. done marks the
// candidates already taken or excluded.
func pick(cs []cand, done []bool, lo, hi int, keep []int32) []int32 {
	for {
		best := -1
		for i := lo; i < hi; i++ {
			if !done[i] && (best < 0 || better(&cs[i], &cs[best])) {
				best = i
			}
		}
		if best < 0 {
			return keep
		}
		keep = append(keep, int32(best))
		b := &cs[best]
		for i := lo; i < hi; i++ {
			if cs[i].start < b.end && b.start < cs[i].end {
				done[i] = true
			}
		}
	}
}

// Context windows, in bytes, before and after a candidate.
const (
	ctxBefore = 64
	ctxAfter  = 32
)

// hasCtx reports whether a context word for t lies within the window around
// [start, end). The context words near a span are collected once, as a bit
// set, and reused for every type the span is tried as.
func (s *Scanner) hasCtx(sc *scratch, t Type, start, end int) bool {
	if !sc.ctxOK || sc.ctxStart != start || sc.ctxEnd != end {
		sc.ctxStart, sc.ctxEnd, sc.ctxOK = start, end, true
		sc.ctxBits = s.ctxBits(sc.hits, start, end)
	}
	return sc.ctxBits&typeBit(t) != 0
}

// ctxBits ORs the context bits of the keyword hits in the window around
// [start, end) that do not overlap it.
func (s *Scanner) ctxBits(hits []acMatch, start, end int) uint32 {
	// Hits are ordered by end; skip those ending before the window.
	i := sort.Search(len(hits), func(i int) bool { return int(hits[i].end) >= start-ctxBefore })
	var bits uint32
	for ; i < len(hits); i++ {
		h := hits[i]
		if int(h.start) > end+ctxAfter {
			break
		}
		if int(h.end) <= start || int(h.start) >= end {
			bits |= s.kws[h.pat].ctx
		}
	}
	return bits
}

// add records a candidate scored base, plus boost when a context word for
// t is near.
func (s *Scanner) add(sc *scratch, t Type, start, end int, base, boost float64, rule string) {
	if !s.on(t) || end <= start {
		return
	}
	score, th := base, s.thresh[typeIndex(t)]
	if boost > 0 && score+boost >= th && s.hasCtx(sc, t, start, end) {
		score += boost
	}
	if score < th {
		return
	}
	sc.cands = append(sc.cands, cand{t, start, end, score, rule})
}

// lowerAround reports whether the text within maxRepeat bytes of i has no
// upper-case ASCII letter: the writer does not use capitals. It looks only
// near i so that a stream window decides as the whole text does.
func lowerAround(text string, i int) bool {
	for k := max(0, i-maxRepeat); k < min(len(text), i+maxRepeat); k++ {
		if text[k] >= 'A' && text[k] <= 'Z' {
			return false
		}
	}
	return true
}
