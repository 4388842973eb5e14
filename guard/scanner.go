package guard

import (
	"cmp"
	"fmt"
	"slices"
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
	hits   []acMatch
	hitCtx []uint32 // context bits of each hit
	cands  []cand
	use    []useHit
	dig    []byte
	keep   []int32
	done   []bool
	// The digit run being classified (tokens.go).
	groups    [maxGroups]group
	runDigits [maxRun + 8]byte
	// Context bits memoised for the last span asked about.
	ctxOK            bool
	ctxStart, ctxEnd int
	ctxBits          uint32
	ctxLo            int // hit cursor of the last ctxBits

	useKeys []useKey // scoreUse's scratch
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
			k.cues = append(k.cues, cueRef{cat: ci, gi: groupIndex(group), weight: w, id: group + ":" + strings.TrimSuffix(phrase, "*"),
				possessive: t == DomesticSurveillance && (strings.HasPrefix(phrase, "'s ") || strings.HasPrefix(phrase, "’s "))})
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

// Indexes of the PII types in PIITypes. The token scanner adds candidates
// by index, so the per-candidate path compares no strings.
const (
	iSSN = iota
	iITIN
	iPassport
	iDriverLicense
	iPhone
	iEmail
	iIPAddress
	iDateOfBirth
	iCreditCard
	iABARouting
	iBankAccount
	iMedicareMBI
	iNPI
	iDEA
	iVIN
	iEIN
	iStreetAddress
	iPerson
)

func typeIndex(t Type) int {
	// A switch compiles to a length-then-value search, cheaper than a loop
	// over PIITypes.
	switch t {
	case SSN:
		return iSSN
	case ITIN:
		return iITIN
	case Passport:
		return iPassport
	case DriverLicense:
		return iDriverLicense
	case Phone:
		return iPhone
	case Email:
		return iEmail
	case IPAddress:
		return iIPAddress
	case DateOfBirth:
		return iDateOfBirth
	case CreditCard:
		return iCreditCard
	case ABARouting:
		return iABARouting
	case BankAccount:
		return iBankAccount
	case MedicareMBI:
		return iMedicareMBI
	case NPI:
		return iNPI
	case DEA:
		return iDEA
	case VIN:
		return iVIN
	case EIN:
		return iEIN
	case StreetAddress:
		return iStreetAddress
	case Person:
		return iPerson
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
func (s *Scanner) Scan(text string) []Finding { return s.AppendScan(nil, text) }

// AppendScan appends the findings of Scan(text) to dst and returns the
// extended slice. A caller that scans again and again (the stream
// redactor) passes the previous result's slice, cut to length zero, and
// so allocates nothing per scan.
func (s *Scanner) AppendScan(dst []Finding, text string) []Finding {
	sc := s.scratch.Get().(*scratch)
	defer s.scratch.Put(sc)
	s.keywords(text, sc)
	sc.cands = sc.cands[:0]
	sc.ctxOK, sc.ctxLo = false, 0
	if s.pii != 0 {
		s.scanTokens(text, sc)
		s.scanKeywordAnchored(text, sc)
		s.structure(text, sc) // names and address blocks, from the candidates so far
	}
	out := s.resolve(sc, dst)
	// Use-policy cues and custom terms.
	sc.use = sc.use[:0]
	// thingLo, thingHi: the span of the last "'s …" cue whose possessor
	// is a thing; the data words inside it ("location" of "the shipment's
	// location") are that thing's too. Hits come longest first among
	// those ending together.
	thingLo, thingHi, thingCat := -1, -1, 0
	for _, h := range sc.hits {
		for k := range s.kws[h.pat].cues {
			ref := &s.kws[h.pat].cues[k]
			if ref.cat < 0 {
				out = append(out, Finding{Type: s.custom[-1-ref.cat], Start: int(h.start), End: int(h.end),
					Score: 1, Rule: "term." + strings.ToLower(string(s.custom[-1-ref.cat])), Cues: []string{ref.id}})
				continue
			}
			if ref.possessive && thingPossessor(text, int(h.start)) {
				thingLo, thingHi, thingCat = int(h.start), int(h.end), ref.cat
				continue
			}
			if ref.gi == giAcquire && nounRecord(text, int(h.start), int(h.end)) ||
				(ref.gi == giData || ref.gi == giThing) && ref.cat == thingCat && int(h.start) >= thingLo && int(h.end) <= thingHi {
				continue
			}
			sc.use = append(sc.use, useHit{int(h.start), int(h.end), ref})
		}
	}
	if len(sc.use) > 0 {
		out = s.scoreUse(sc.use, &sc.useKeys, out)
	}
	return out
}

// Cue groups the scan reads.
var (
	giAcquire = groupIndex("acquire")
	giData    = groupIndex("data")
	giThing   = groupIndex("thing")
)

// nounRecord reports whether text[start:end], an acquire cue, is "record"
// or "recording" read as a noun: after a determiner ("the record", "a
// recording") or with a possessive ("the record's SSN", "RECORD'S"). The
// verb is a cue for acquiring someone's data ("record her calls"); the
// noun is a clerk's file.
func nounRecord(text string, start, end int) bool {
	w := text[start:end]
	if !strings.EqualFold(w, "record") && !strings.EqualFold(w, "recording") {
		return false
	}
	rest := text[end:]
	if strings.HasPrefix(rest, "’") {
		rest = "'" + rest[len("’"):]
	}
	if len(rest) >= 2 && rest[0] == '\'' && (rest[1] == 's' || rest[1] == 'S') && (len(rest) == 2 || !isWordByte(rest[2])) {
		return true
	}
	// The word before, across spaces and tabs.
	k := start
	for k > 0 && start-k < 8 && (text[k-1] == ' ' || text[k-1] == '\t') {
		k--
	}
	if k == start || k == 0 {
		return false
	}
	b := k
	for b > 0 && isLetter(text[b-1]) {
		b--
	}
	if b > 0 && isWordByte(text[b-1]) || k-b > 5 {
		return false
	}
	switch strings.ToLower(text[b:k]) {
	case "the", "a", "an", "my", "your", "his", "her", "their", "our", "its", "this", "that", "whose", "each", "every", "any", "no":
		return true
	}
	return false
}

// thingPossessor reports whether the word before the apostrophe at
// text[i] names an institution, a place or a thing, not a person: "the
// embassy's address", "the shipment's location" are not someone's data.
func thingPossessor(text string, i int) bool {
	b := i
	for b > 0 && i-b <= 16 && isLetter(text[b-1]) {
		b--
	}
	if b == i || i-b > 16 || b > 0 && isWordByte(text[b-1]) {
		return false
	}
	var buf [16]byte
	w := buf[:i-b]
	for k := range w {
		w[k] = text[b+k] | 0x20
	}
	return thingWords[string(w)]
}

// thingWords are possessors that are not people, as agency text names
// them: offices, institutions, places, shipments, events and systems.
var thingWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(`embassy consulate mission office agency department bureau ministry government
		administration organization organisation company corporation firm business store shop restaurant hotel school
		university college hospital clinic bank library museum court city town county state country nation building
		facility branch center centre headquarters campus district region province airport station port base post unit
		division section program programme project team committee council board commission conference meeting event
		shipment package parcel order delivery flight train ship vessel truck fleet website site server system app
		application platform service network database portal`) {
		m[w] = true
	}
	return m
}()

// keywords finds the keyword hits in text, and the context bits of each
// hit side by side with them: the context window of every candidate reads
// those.
func (s *Scanner) keywords(text string, sc *scratch) {
	sc.hits = s.ac.match(text, sc.hits[:0])
	sc.hitCtx = sc.hitCtx[:0]
	for _, h := range sc.hits {
		sc.hitCtx = append(sc.hitCtx, s.kws[h.pat].ctx)
	}
}

// resolve keeps, among overlapping candidates that reach their threshold,
// the highest-scoring (then longest, then first) one, and returns the
// result sorted by position, appended to dst. Only candidates that overlap can exclude one
// another, so the choice is made per cluster of overlapping candidates
// found by one sweep over the candidates sorted by start; a cluster is
// usually the few readings of one digit run.
func (s *Scanner) resolve(sc *scratch, dst []Finding) []Finding {
	cs := sc.cands
	if len(cs) == 0 {
		return dst
	}
	if !sortedByStart(cs) {
		slices.SortFunc(cs, candByStart)
	}
	// Pass 1 marks the winners in place (keep), pass 2 copies them out, so
	// the result grows at most once, to its final size. Clusters come in
	// text order, so sorting each cluster's winners sorts them all.
	keep := sc.keep[:0]
	for lo := 0; lo < len(cs); {
		hi, end := lo+1, cs[lo].end
		for hi < len(cs) && cs[hi].start < end {
			end = max(end, cs[hi].end)
			hi++
		}
		switch hi - lo {
		case 1:
			keep = append(keep, int32(lo))
		case 2:
			// pick, for the most common cluster: the better one wins, and
			// the other too if it does not overlap it.
			w, o := lo, lo+1
			if better(&cs[o], &cs[w]) {
				w, o = o, w
			}
			if cs[o].start < cs[w].end && cs[w].start < cs[o].end {
				keep = append(keep, int32(w))
			} else {
				keep = append(keep, int32(lo), int32(lo+1))
			}
		default:
			if cap(sc.done) < len(cs) {
				sc.done = make([]bool, len(cs))
			}
			done := sc.done[:len(cs)]
			clear(done[lo:hi])
			k := len(keep)
			keep = pick(cs, done, lo, hi, keep)
			// A cluster has few winners: sort them by insertion.
			for x := k + 1; x < len(keep); x++ {
				for y := x; y > k && keep[y] < keep[y-1]; y-- {
					keep[y], keep[y-1] = keep[y-1], keep[y]
				}
			}
		}
		lo = hi
	}
	sc.keep = keep
	n := len(dst)
	out := slices.Grow(dst, len(keep))[:n+len(keep)]
	for i, k := range keep {
		c := &cs[k]
		out[n+i] = Finding{Type: c.typ, Start: c.start, End: c.end, Score: min(c.score, 1), Rule: c.rule}
	}
	return out
}

func sortedByStart(cs []cand) bool {
	for i := 1; i < len(cs); i++ {
		if cs[i].start < cs[i-1].start {
			return false
		}
	}
	return true
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

// ctxAround returns the context bits of the keyword hits in the window
// around [start, end) that do not overlap it. They are collected once per
// span and reused for every type the span is tried as.
func (s *Scanner) ctxAround(sc *scratch, start, end int) uint32 {
	if !sc.ctxOK || sc.ctxStart != start || sc.ctxEnd != end {
		sc.ctxStart, sc.ctxEnd, sc.ctxOK = start, end, true
		sc.ctxBits = s.ctxBits(sc, start, end)
	}
	return sc.ctxBits
}

// ctxBits ORs the context bits of the keyword hits in the window around
// [start, end) that do not overlap it.
func (s *Scanner) ctxBits(sc *scratch, start, end int) uint32 {
	// Hits are ordered by end. Spans are mostly asked about in text order,
	// so the first hit ending inside the window is found by moving a
	// cursor from where the last span left it.
	hits, from := sc.hits, start-ctxBefore
	i := min(sc.ctxLo, len(hits))
	for i > 0 && int(hits[i-1].end) >= from {
		i--
	}
	for i < len(hits) && int(hits[i].end) < from {
		i++
	}
	sc.ctxLo = i
	var bits uint32
	for ; i < len(hits); i++ {
		h := hits[i]
		if int(h.start) > end+ctxAfter {
			break
		}
		if int(h.end) <= start || int(h.start) >= end {
			bits |= sc.hitCtx[i]
		}
	}
	return bits
}

// add records a candidate scored base, plus boost when a context word for
// t is near.
func (s *Scanner) add(sc *scratch, t Type, start, end int, base, boost float64, rule string) {
	if i := typeIndex(t); i >= 0 {
		s.addAt(sc, i, start, end, base, boost, rule)
	}
}

// addAt is add for the type PIITypes[ti].
func (s *Scanner) addAt(sc *scratch, ti int, start, end int, base, boost float64, rule string) {
	bit := uint32(1) << ti
	if s.pii&bit == 0 || end <= start {
		return
	}
	score, th := base, s.thresh[ti]
	if boost > 0 && score+boost >= th && s.ctxAround(sc, start, end)&bit != 0 {
		score += boost
	}
	if score < th {
		return
	}
	// Fill the new element in place: building the value and copying it
	// stalls on store forwarding.
	n := len(sc.cands)
	if n == cap(sc.cands) {
		sc.cands = slices.Grow(sc.cands, 1)
	}
	sc.cands = sc.cands[:n+1]
	c := &sc.cands[n]
	c.typ, c.start, c.end, c.score, c.rule = PIITypes[ti], start, end, score, rule
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
