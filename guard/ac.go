package guard

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
// "dead" state until the next non-word byte. On prose the automaton spends
// most bytes in the root and dead states, whose rows stay in cache, and
// outputs fire only for real word-start matches; that keeps the pass near
// one table lookup per byte.

// acMatch is one keyword occurrence: pattern id and byte span.
type acMatch struct {
	start, end int32
	pat        int32
}

type automaton struct {
	class  [256]uint8
	nclass int32
	// delta maps a state offset (state number × nclass) plus a byte class
	// to the next state's offset.
	delta []int32
	start int32 // offset of the root state
	dead  int32 // offset of the dead state
	// States are numbered so that those with an output come last: an
	// offset at or above outFrom needs a look at the outputs.
	outFrom int32
	out     []int32 // per state number: first pattern ending there, or -1
	outNext []int32 // per state number: next state on the failure chain with an output, or -1
	pats    []acPattern
	patNext []int32 // other patterns ending at the same state
}

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

func newAutomaton(pats []acPattern) *automaton {
	a := &automaton{pats: pats}
	var used [256]bool
	for _, p := range pats {
		for i := 0; i < len(p.text); i++ {
			used[p.text[i]] = true
		}
	}
	var cls [256]uint8
	n := 2
	for c := 0; c < 256; c++ {
		if used[c] {
			cls[c] = uint8(n)
			n++
		}
	}
	for c := 0; c < 256; c++ {
		nc := normByte(byte(c))
		switch {
		case used[nc]:
			a.class[c] = cls[nc]
		case isWordByte(nc):
			a.class[c] = clsWord
		default:
			a.class[c] = clsOther
		}
	}
	a.nclass = int32(n)
	isWordClass := make([]bool, n)
	isWordClass[clsWord] = true
	for c := 0; c < 256; c++ {
		if used[c] && isWordByte(byte(c)) {
			isWordClass[cls[c]] = true
		}
	}

	// Trie; node labels give the failure links directly.
	goto_ := [][]int32{make([]int32, n), make([]int32, n)}
	labels := []string{"", ""}
	out := []int32{-1, -1}
	index := map[string]int32{"": nodeRoot}
	a.patNext = make([]int32, len(pats))
	for pi, p := range pats {
		s := int32(nodeRoot)
		for i := 0; i < len(p.text); i++ {
			c := cls[p.text[i]]
			if goto_[s][c] == 0 {
				goto_ = append(goto_, make([]int32, n))
				out = append(out, -1)
				labels = append(labels, p.text[:i+1])
				goto_[s][c] = int32(len(goto_) - 1)
				index[p.text[:i+1]] = goto_[s][c]
			}
			s = goto_[s][c]
		}
		a.patNext[pi] = out[s]
		out[s] = int32(pi)
	}
	ns := len(goto_)
	// fail(s): the longest proper suffix of s's label that is a node and
	// may start where it does (after a non-word byte, or with a non-word
	// byte itself); else root after a non-word byte, dead after a word byte.
	fail := make([]int32, ns)
	for s := 2; s < ns; s++ {
		l := labels[s]
		fail[s] = nodeDead
		if !isWordByte(l[len(l)-1]) {
			fail[s] = nodeRoot
		}
		for k := 1; k < len(l); k++ {
			if isWordByte(l[k-1]) && isWordByte(l[k]) {
				continue
			}
			if t, ok := index[l[k:]]; ok {
				fail[s] = t
				break
			}
		}
	}
	// Transitions in order of label length, so a failure target's row is
	// complete before it is used.
	order := make([]int32, 0, ns)
	order = append(order, nodeRoot, nodeDead)
	for d := 1; len(order) < ns; d++ {
		for s := 2; s < ns; s++ {
			if len(labels[s]) == d {
				order = append(order, int32(s))
			}
		}
	}
	delta := make([][]int32, ns)
	for _, s := range order {
		row := make([]int32, n)
		for c := 0; c < n; c++ {
			switch {
			case s == nodeRoot:
				row[c] = goto_[nodeRoot][c]
				if row[c] == 0 && isWordClass[c] {
					row[c] = nodeDead
				}
			case s == nodeDead:
				row[c] = nodeDead
				if !isWordClass[c] {
					row[c] = goto_[nodeRoot][c] // 0 (root) when none
				}
			case goto_[s][c] != 0:
				row[c] = goto_[s][c]
			default:
				row[c] = delta[fail[s]][c]
			}
		}
		delta[s] = row
	}
	outNext := make([]int32, ns)
	for _, s := range order {
		outNext[s] = -1
		if s < 2 {
			continue
		}
		f := fail[s]
		if out[f] >= 0 {
			outNext[s] = f
		} else {
			outNext[s] = outNext[f]
		}
	}
	// Renumber: states with an output last.
	num := make([]int32, ns)
	k := int32(0)
	for pass := 0; pass < 2; pass++ {
		for s := 0; s < ns; s++ {
			has := out[s] >= 0 || outNext[s] >= 0
			if has == (pass == 1) {
				if pass == 1 && a.outFrom == 0 {
					a.outFrom = k * a.nclass
				}
				num[s] = k
				k++
			}
		}
	}
	if a.outFrom == 0 {
		a.outFrom = int32(ns) * a.nclass
	}
	a.delta = make([]int32, ns*n)
	a.out = make([]int32, ns)
	a.outNext = make([]int32, ns)
	for s := 0; s < ns; s++ {
		row := a.delta[int(num[s])*n:]
		for c := 0; c < n; c++ {
			row[c] = num[delta[s][c]] * a.nclass
		}
		a.out[num[s]] = out[s]
		a.outNext[num[s]] = -1
		if outNext[s] >= 0 {
			a.outNext[num[s]] = num[outNext[s]]
		}
	}
	a.start = num[nodeRoot] * a.nclass
	a.dead = num[nodeDead] * a.nclass
	return a
}

// match appends to dst every whole-word occurrence of a pattern in text.
// A pattern must start at a word boundary and, unless it is a prefix
// pattern, end at one; patterns that begin or end with a non-word byte
// ("mr.", "#") carry their own boundary on that side.
func (a *automaton) match(text string, dst []acMatch) []acMatch {
	s := a.start
	delta, class, outFrom, dead := a.delta, &a.class, a.outFrom, a.dead
	for i := 0; i < len(text); i++ {
		s = delta[s+int32(class[text[i]])]
		if s < outFrom {
			if s == dead {
				// Nothing can start before the next non-word byte; find it
				// without the dependent table loads.
				for i+1 < len(text) && isWordByte(text[i+1]) {
					i++
				}
			}
			continue
		}
		for st := s / a.nclass; st >= 0; st = a.outNext[st] {
			for p := a.out[st]; p >= 0; p = a.patNext[p] {
				pt := &a.pats[p]
				start := i + 1 - len(pt.text)
				if start > 0 && isWordByte(text[start-1]) && isWordByte(pt.text[0]) {
					continue
				}
				if !pt.prefix && i+1 < len(text) && isWordByte(text[i+1]) && isWordByte(pt.text[len(pt.text)-1]) {
					continue
				}
				dst = append(dst, acMatch{int32(start), int32(i + 1), p})
			}
		}
	}
	return dst
}
