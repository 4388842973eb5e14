package guard

import "slices"

// A small Aho-Corasick automaton, compiled to a DFA over byte classes.
//
// Hand-written rather than github.com/BobuSumisu/aho-corasick because the
// scanner needs ASCII case folding and whitespace folding in the automaton
// itself, word-boundary checks with "prefix" patterns (track* matches
// tracking), and a matching loop that allocates nothing per match.
//
// Patterns that begin with a word byte may only begin at a word boundary,
// and the DFA knows it: its failure links only lead to suffixes that start
// at a boundary, and inside a word that matched nothing it sits in one
// "dead" state until the next non-word byte. In the root and dead states a
// byte leads elsewhere only if a pattern starts with it (and a word byte
// only after a non-word byte), so the walk skips to the next such byte
// without table lookups: digits, punctuation and the rest of words that
// matched nothing cost a byte test each. Outputs fire only for real
// word-start matches.
//
// The table is kept small (well under a megabyte for some twenty thousand
// states), so that the rows a text walks through stay in cache:
//
//   - All bytes of 0x80 and above are one class. A pattern with such bytes
//     (a CJK or Cyrillic phrase, "someone’s") is compiled with that class
//     in their place, and its matches are compared with the text; a few
//     foreign phrases then cost no extra entries in every row.
//   - A DFA row mostly repeats the row of another state: after "trac" every
//     byte but 'k' leads where it leads from the dead state. A state whose
//     row differs in few entries from the root's, the dead state's or the
//     row its failure target falls back to stores only those entries, and
//     falls back to that row for the rest; the few others store their row
//     whole. All entries share one packed array (a "comb", as in
//     double-array tries): state v's entry for class c is at v+c and
//     carries v as a check, and when the check fails the entry is taken
//     from the fallback row, which the entry at v-1 names.
//
// The pass reports matches in order of their end, longest first, then by
// pattern, last first; the scanner reads the hits in that order.

// acMatch is one keyword occurrence: pattern id and byte span.
type acMatch struct {
	start, end int32
	pat        int32
}

type automaton struct {
	class [256]uint8
	// tab holds the transitions. A state is the offset of its entries:
	// state v's transition on class c is the high half of tab[v+c] when
	// the low half (the check) is v; else it is the high half of
	// tab[f+c], where f, the state whose whole row v falls back to, is the
	// high half of tab[v-1]. Free entries and fallback entries check -1.
	tab []uint64
	// The root and the dead state come right after the other states
	// without an output, and outFrom right after them: a state at or above
	// the root is the root, the dead state or one with an output.
	start   int32 // the root state
	dead    int32
	outFrom int32
	// skip tells, per byte, whether it is a word byte (skipWord) and
	// whether it leads out of the root (skipStart); see run.
	skip [256]uint8
	// outs holds, per state less outFrom, the first pattern ending there
	// (or -1) and the next state on the failure chain with an output (or
	// -1).
	outs    []acOut
	pats    []acPattern
	patNext []int32 // other patterns ending at the same state
	// patInfo is, per pattern, its length shifted by patShift and its
	// patStart, patEnd and patCheck bits, so that a match is checked
	// without reading the pattern's text.
	patInfo []uint32
}

type acOut struct{ pat, next int32 }

// Bits of automaton.patInfo.
const (
	patStart = 1 << iota // begins with a word byte: needs a word boundary before it
	patEnd               // not a prefix pattern and ends with a word byte: needs one after it
	// patCheck marks a pattern with bytes of 0x80 and above, whose
	// matches are compared with the text.
	patCheck
	patShift = iota
)

type acPattern struct {
	text   string // lower case, single spaces
	prefix bool   // no word boundary needed after it
}

// normByte folds case and whitespace the way the automaton sees text.
func normByte(c byte) byte {
	switch {
	case c >= 'A' && c <= 'Z':
		return c + 32
	case c == '\n' || c == '\t' || c == '\r':
		return ' '
	}
	return c
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// Reserved classes for bytes no pattern uses.
const (
	clsOther = 0 // a non-word byte
	clsWord  = 1 // a word byte
)

// Reserved trie nodes.
const (
	nodeRoot = 0 // at a word boundary, nothing matched
	nodeDead = 1 // inside a word, nothing matched
)

// maxOwnEntries is how many entries a row may differ from its fallback
// row in before it is stored whole.
const maxOwnEntries = 8

// acBuild is the automaton under construction: the trie, its failure links
// and, per node, its DFA row as a whole row or as a fallback plus its own
// entries.
type acBuild struct {
	nclass int
	word   []bool // per class: a word byte
	// The trie, children as sibling lists.
	child, sib []int32
	edge       []uint8 // class of the edge into the node
	out        []int32 // first pattern ending at the node, or -1
	fail       []int32
	outNext    []int32
	// Rows: node s's row is rows[whole[s]*nclass:][:nclass] when whole[s]
	// >= 0; else it is node fall[s]'s whole row but for the entries
	// own[ownLo[s]:ownHi[s]].
	whole        []int32
	rows         []int32
	fall         []int32
	ownLo, ownHi []int32
	own          []ownEntry
}

type ownEntry struct {
	c  uint8
	to int32
}

func (b *acBuild) goTo(s int32, c uint8) int32 {
	for x := b.child[s]; x >= 0; x = b.sib[x] {
		if b.edge[x] == c {
			return x
		}
	}
	return -1
}

func (b *acBuild) addNode(parent int32, c uint8) int32 {
	x := int32(len(b.child))
	b.child = append(b.child, -1)
	b.sib = append(b.sib, -1)
	b.edge = append(b.edge, c)
	b.out = append(b.out, -1)
	if parent >= 0 {
		b.sib[x] = b.child[parent]
		b.child[parent] = x
	}
	return x
}

// wholeRow returns the whole row of a node that has one.
func (b *acBuild) wholeRow(s int32) []int32 {
	return b.rows[int(b.whole[s])*b.nclass:][:b.nclass]
}

// delta is the DFA transition of a node whose row is known.
func (b *acBuild) delta(s int32, c uint8) int32 {
	if b.whole[s] >= 0 {
		return b.wholeRow(s)[c]
	}
	for _, e := range b.own[b.ownLo[s]:b.ownHi[s]] {
		if e.c == c {
			return e.to
		}
	}
	return b.wholeRow(b.fall[s])[c]
}

// fill writes node s's row into row.
func (b *acBuild) fill(s int32, row []int32) {
	if b.whole[s] >= 0 {
		copy(row, b.wholeRow(s))
		return
	}
	copy(row, b.wholeRow(b.fall[s]))
	for _, e := range b.own[b.ownLo[s]:b.ownHi[s]] {
		row[e.c] = e.to
	}
}

func (b *acBuild) addWhole(s int32, row []int32) {
	b.whole[s] = int32(len(b.rows) / b.nclass)
	b.rows = append(b.rows, row...)
}

func newAutomaton(pats []acPattern) *automaton {
	a := &automaton{pats: pats, patInfo: make([]uint32, len(pats))}
	var used [256]bool
	high := false
	for pi, p := range pats {
		info := uint32(len(p.text)) << patShift
		if isWordByte(p.text[0]) {
			info |= patStart
		}
		if !p.prefix && isWordByte(p.text[len(p.text)-1]) {
			info |= patEnd
		}
		for i := 0; i < len(p.text); i++ {
			if c := p.text[i]; c >= 0x80 {
				high = true
				info |= patCheck
			} else {
				used[c] = true
			}
		}
		a.patInfo[pi] = info
	}
	// Classes: the two reserved ones, one for all bytes of 0x80 and above
	// when a pattern has any, and one per other byte a pattern uses.
	var cls [256]uint8
	n := 2
	if high {
		for c := 0x80; c < 256; c++ {
			cls[c] = uint8(n)
		}
		n++
	}
	for c := 0; c < 0x80; c++ {
		if used[c] {
			cls[c] = uint8(n)
			n++
		}
	}
	b := &acBuild{nclass: n, word: make([]bool, n)}
	for c := 0; c < 256; c++ {
		nc := normByte(byte(c))
		switch {
		case nc >= 0x80 && high || used[nc]:
			a.class[c] = cls[nc]
		case isWordByte(nc):
			a.class[c] = clsWord
		default:
			a.class[c] = clsOther
		}
		b.word[a.class[c]] = isWordByte(nc)
	}
	for c := 0; c < 0x80; c++ {
		// A pattern byte no text byte folds to (upper case, a tab) still
		// has a class; it is a word class as the byte is a word byte.
		if used[c] {
			b.word[cls[c]] = isWordByte(byte(c))
		}
	}

	// The trie, with room for a node per pattern byte.
	size := 2
	for _, p := range pats {
		size += len(p.text)
	}
	b.child = make([]int32, 0, size)
	b.sib = make([]int32, 0, size)
	b.edge = make([]uint8, 0, size)
	b.out = make([]int32, 0, size)
	b.addNode(-1, 0) // nodeRoot
	b.addNode(-1, 0) // nodeDead
	a.patNext = make([]int32, len(pats))
	for pi, p := range pats {
		s := int32(nodeRoot)
		for i := 0; i < len(p.text); i++ {
			c := cls[p.text[i]]
			t := b.goTo(s, c)
			if t < 0 {
				t = b.addNode(s, c)
			}
			s = t
		}
		a.patNext[pi] = b.out[s]
		b.out[s] = int32(pi)
	}
	b.build()
	a.pack(b)
	for c := range 256 {
		if isWordByte(byte(c)) {
			a.skip[c] |= skipWord
		}
		if t := b.wholeRow(nodeRoot)[a.class[c]]; t != nodeRoot && t != nodeDead {
			a.skip[c] |= skipStart
		}
	}
	return a
}

// Bits of automaton.skip.
const (
	skipWord  = 1 << iota // a word byte
	skipStart             // a pattern starts with the byte
)

// build computes the failure links and the rows, in breadth-first order so
// that a failure target's row is known before it is used.
func (b *acBuild) build() {
	ns := len(b.child)
	n := b.nclass
	b.fail = make([]int32, ns)
	b.outNext = make([]int32, ns)
	b.whole = make([]int32, ns)
	b.fall = make([]int32, ns)
	b.ownLo = make([]int32, ns)
	b.ownHi = make([]int32, ns)
	for s := range b.whole {
		b.whole[s] = -1
	}
	row := make([]int32, n)
	// The root: a word byte no pattern starts with leads to the dead state.
	for c := range n {
		row[c] = nodeRoot
		if b.word[c] {
			row[c] = nodeDead
		}
	}
	for x := b.child[nodeRoot]; x >= 0; x = b.sib[x] {
		row[b.edge[x]] = x
	}
	b.addWhole(nodeRoot, row)
	// The dead state: a word byte stays, any other byte reads as at the
	// root.
	for c := range n {
		if b.word[c] {
			row[c] = nodeDead
		}
	}
	b.addWhole(nodeDead, row)
	b.outNext[nodeRoot], b.outNext[nodeDead] = -1, -1

	queue := make([]int32, 0, ns)
	for x := b.child[nodeRoot]; x >= 0; x = b.sib[x] {
		// A suffix of a one-byte label is empty: the node fails to the
		// root after a non-word byte, to the dead state after a word byte.
		b.fail[x] = nodeRoot
		if b.word[b.edge[x]] {
			b.fail[x] = nodeDead
		}
		queue = append(queue, x)
	}
	cand := make([]int32, 0, 3)
	for k := 0; k < len(queue); k++ {
		s := queue[k]
		f := b.fail[s]
		if b.out[f] >= 0 {
			b.outNext[s] = f
		} else {
			b.outNext[s] = b.outNext[f]
		}
		// The row: the failure target's, with the trie's own edges.
		b.fill(f, row)
		for x := b.child[s]; x >= 0; x = b.sib[x] {
			row[b.edge[x]] = x
		}
		// The fallback: whichever differs least of the root's row, the dead
		// state's and the failure target's whole row (or the row it falls
		// back to).
		ff := f
		if b.whole[f] < 0 {
			ff = b.fall[f]
		}
		cand = append(cand[:0], ff, nodeRoot, nodeDead)
		best, bestDiff := int32(-1), n+1
		for _, w := range cand {
			d := 0
			for c, t := range b.wholeRow(w) {
				if row[c] != t {
					d++
				}
			}
			if d < bestDiff {
				best, bestDiff = w, d
			}
		}
		if bestDiff > maxOwnEntries {
			b.addWhole(s, row)
		} else {
			b.fall[s] = best
			b.ownLo[s] = int32(len(b.own))
			for c, t := range b.wholeRow(best) {
				if row[c] != t {
					b.own = append(b.own, ownEntry{uint8(c), row[c]})
				}
			}
			b.ownHi[s] = int32(len(b.own))
		}
		// Children's failure links: where the failure target goes on
		// the same byte.
		for x := b.child[s]; x >= 0; x = b.sib[x] {
			b.fail[x] = b.delta(f, b.edge[x])
			queue = append(queue, x)
		}
	}
}

// pack places every state's entries in the comb, each at the lowest
// offset where they fit: the states without an output, then the root, the
// dead state and the states with an output, each group whole rows first
// and then by number of entries, most first. A state that falls back has one
// more entry, just before its own: the state it falls back to.
func (a *automaton) pack(b *acBuild) {
	ns := int32(len(b.child))
	n := int32(b.nclass)
	group := func(s int32) int {
		switch {
		case s == nodeRoot:
			return 1
		case s == nodeDead:
			return 2
		case b.out[s] >= 0 || b.outNext[s] >= 0:
			return 3
		}
		return 0
	}
	entries := func(s int32) int32 {
		if b.whole[s] >= 0 {
			return n + 1
		}
		return b.ownHi[s] - b.ownLo[s]
	}
	order := make([]int32, ns)
	for s := range ns {
		order[s] = s
	}
	slices.SortStableFunc(order, func(x, y int32) int {
		if gx, gy := group(x), group(y); gx != gy {
			return gx - gy
		}
		return int(entries(y) - entries(x))
	})
	base := make([]int32, ns)
	// The comb needs an entry per own entry, per fallback and per class of
	// a whole row, and then some for the holes packing leaves.
	need := len(b.own) + len(b.rows) + int(ns)
	need += need / 4
	free := freeList{up: make([]int32, 0, need)}
	isBase := make([]bool, 0, need) // per offset: some state's
	var classes []int32             // the entries of the state being placed
	// Offsets of the group start at lo. States with several entries rarely
	// fit the holes the states before them left; each such search starts
	// where the last one with as many entries ended.
	lo, g := int32(1), 0
	hint := make([]int32, n+2)
	for _, s := range order {
		if group(s) != g {
			g = group(s)
			lo = int32(len(isBase))
			clear(hint)
		}
		classes = classes[:0]
		if b.whole[s] >= 0 {
			for c := range n {
				classes = append(classes, c)
			}
		} else {
			classes = append(classes, -1)
			for _, e := range b.own[b.ownLo[s]:b.ownHi[s]] {
				classes = append(classes, int32(e.c))
			}
			slices.Sort(classes)
		}
		// The first offset at or above lo, not a state's yet, where the
		// entries are free.
		k := len(classes)
		v := max(lo, hint[k])
	search:
		for ; ; v++ {
			v = free.next(v+classes[0]) - classes[0]
			if v < int32(len(isBase)) && isBase[v] {
				continue
			}
			for _, c := range classes[1:] {
				if !free.isFree(v + c) {
					continue search
				}
			}
			break
		}
		if k > 1 {
			hint[k] = v
		}
		for int32(len(isBase)) <= v {
			isBase = append(isBase, false)
		}
		isBase[v] = true
		for _, c := range classes {
			free.take(v + c)
		}
		base[s] = v
	}
	a.start, a.dead = base[nodeRoot], base[nodeDead]
	a.outFrom = a.dead + 1
	size := int32(len(isBase)) + n // room for every state's n entries
	a.tab = make([]uint64, size)
	for k := range a.tab {
		a.tab[k] = 0xffffffff
	}
	set := func(k, owner, to int32) {
		a.tab[k] = uint64(uint32(to))<<32 | uint64(uint32(owner))
	}
	for s := range ns {
		v := base[s]
		if b.whole[s] >= 0 {
			for c, t := range b.wholeRow(s) {
				set(v+int32(c), v, base[t])
			}
			continue
		}
		for _, e := range b.own[b.ownLo[s]:b.ownHi[s]] {
			set(v+int32(e.c), v, base[e.to])
		}
		set(v-1, -1, base[b.fall[s]])
	}
	a.outs = make([]acOut, size-a.outFrom)
	for k := range a.outs {
		a.outs[k] = acOut{-1, -1}
	}
	for s := range ns {
		if group(s) != 3 {
			continue
		}
		o := &a.outs[base[s]-a.outFrom]
		o.pat = b.out[s]
		if t := b.outNext[s]; t >= 0 {
			o.next = base[t]
		}
	}
}

// tableBytes is the size of the automaton's tables.
func (a *automaton) tableBytes() int {
	return len(a.tab)*8 + len(a.outs)*8 + len(a.patNext)*4 + len(a.patInfo)*4 + len(a.class) + len(a.skip)
}

// freeList finds free entries of the comb: next(i) is the first free
// entry at or above i. Entries past the slice are free.
type freeList struct {
	up []int32 // up[i] == i when entry i is free; else an entry above i, no further than the first free one
}

func (f *freeList) isFree(i int32) bool { return i >= int32(len(f.up)) || f.up[i] == i }

func (f *freeList) next(i int32) int32 {
	r := i
	for r < int32(len(f.up)) && f.up[r] != r {
		r = f.up[r]
	}
	// Point the entries passed straight at r.
	for i < int32(len(f.up)) && f.up[i] != i {
		i, f.up[i] = f.up[i], r
	}
	return r
}

func (f *freeList) take(i int32) {
	for int32(len(f.up)) <= i+1 {
		f.up = append(f.up, int32(len(f.up)))
	}
	f.up[i] = i + 1
}

// match appends to dst every whole-word occurrence of a pattern in text.
// A pattern must start at a word boundary and, unless it is a prefix
// pattern, end at one; patterns that begin or end with a non-word byte
// ("mr.", "#") carry their own boundary on that side.
func (a *automaton) match(text string, dst []acMatch) []acMatch {
	var ends [64]acEnd
	v := int(a.start)
	for i := 0; i < len(text); {
		var n int
		i, v, n = a.run(text, i, v, &ends)
		for _, e := range ends[:n] {
			dst = a.emit(text, int(e.i), e.v, dst)
		}
	}
	return dst
}

// acEnd is a position where the DFA reached a state with an output.
type acEnd struct{ i, v int32 }

// run steps the DFA from state v over text[i:], and records in ends the
// positions where it reaches a state with an output, until ends is full or
// the text ends. It returns where and in what state it stopped, and how
// many ends it recorded. It calls nothing, so that the loop keeps its
// values in registers.
func (a *automaton) run(text string, i, v int, ends *[64]acEnd) (int, int, int) {
	tab, class, skip := a.tab, &a.class, &a.skip
	root, dead := int(a.start), int(a.dead)
	n := 0
	for ; i < len(text); i++ {
		c := int(class[text[i]])
		e := tab[v+c]
		if uint32(e) != uint32(v) {
			e = tab[int(tab[v-1]>>32)+c]
		}
		if v = int(e >> 32); v < root {
			continue
		}
		if v > dead {
			ends[n] = acEnd{int32(i), int32(v)}
			if n++; n == len(ends) {
				return i + 1, v, n
			}
			continue
		}
		// At the root or dead, where a byte leads elsewhere only if a
		// pattern starts with it, and a word byte only at a word
		// boundary: find the next such byte without the dependent table
		// loads. Nothing matched, so the state is the dead one after a
		// word byte and the root after any other.
		word := skip[text[i]]&skipWord != 0
		for i+1 < len(text) {
			k := skip[text[i+1]]
			if k&skipStart != 0 && (k&skipWord == 0 || !word) {
				break
			}
			word = k&skipWord != 0
			i++
		}
		v = root
		if word {
			v = dead
		}
	}
	return i, v, n
}

// emit appends the matches of the patterns that end at text[i] in state v.
func (a *automaton) emit(text string, i int, v int32, dst []acMatch) []acMatch {
	// Whether a word byte follows, for the patterns that need a boundary
	// after them.
	endInWord := i+1 < len(text) && isWordByte(text[i+1])
	for st := v; st >= 0; {
		o := a.outs[st-a.outFrom]
		for p := o.pat; p >= 0; p = a.patNext[p] {
			info := a.patInfo[p]
			start := i + 1 - int(info>>patShift)
			if info&patStart != 0 && start > 0 && isWordByte(text[start-1]) || info&patEnd != 0 && endInWord {
				continue
			}
			if info&patCheck != 0 && !foldedEqual(text[start:i+1], a.pats[p].text) {
				continue
			}
			dst = append(dst, acMatch{int32(start), int32(i + 1), p})
		}
		st = o.next
	}
	return dst
}

// foldedEqual reports whether text folds to pat byte for byte.
func foldedEqual(text, pat string) bool {
	for k := 0; k < len(pat); k++ {
		if normByte(text[k]) != pat[k] {
			return false
		}
	}
	return true
}
