package guard

import (
	"sort"
	"strconv"
	"strings"
)

// A use-policy category is scored from weighted cues. Cues belong to
// groups; within a window of text a group counts once, with the weight of
// its strongest cue, and the category's score is the sum over groups. A
// single strong phrase can reach the threshold alone; otherwise two groups
// must co-occur (an action and a target, a targeting act and autonomy, a
// verb and an object). The lists come from the contract language ("domestic
// surveillance of US persons and nationals", "commercially acquired
// personal or identifiable information", "autonomous weapons targeting")
// and the reference research, not from the evaluation sets.

// cueList is "group weight: phrase|phrase|…" per line.
var useCues = map[Type]string{
	DomesticSurveillance: `
strong 1.0: domestic surveillance|mass surveillance|surveil*|pattern of life|pattern-of-life|stalkerware|spyware|stalk*|cyberstalk*|people search|people-search|people finder|data broker*|data-broker*|commercially available information|commercially acquired|dossier|dossiers|de-anonymiz*|deanonymiz*|de-anonymis*|unmask*|doxx*|dox
action 0.5: track*|locate|locating|located|geolocat*|monitor*|spy on|spying on|spy|keep tabs|keep an eye on|follow*|tail|tailing|wiretap*|intercept*|eavesdrop*|profile|profiles|profiling|build a profile|compile a profile|full profile|find out where|find where|find out who|identify who|figure out who|where they live|where he lives|where she lives|where someone lives|home address|whereabouts|movements|locations|location history|trace|tracing|look up|lookup|find information|find personal|dig up|gather information|collect information|collect data|compile information|scrape|scraping|watch list|watchlist|identify the person|identify people|identify individuals|read their messages|read his messages|read her messages|access their phone|access his phone|access her phone|without them knowing|without their knowledge|without his knowledge|without her knowledge|secretly|covertly|covert
target 0.5: person|persons|individual|individuals|citizen*|us persons|u.s. persons|us person|u.s. person|americans|american citizens|us nationals|residents|neighbor*|neighbour*|my ex|ex-girlfriend|ex-boyfriend|ex-wife|ex-husband|wife|husband|girlfriend|boyfriend|spouse|partner's|my partner|coworker*|co-worker*|employee*|protester*|protestor*|activist*|journalist*|dissident*|someone|somebody|this person|that person|specific person|particular person|people|patients|patient's|students|voters|immigrants|members of|their phone|his phone|her phone|phone number|license plate|licence plate|ip address|email address|social media account*|their location|his location|her location|someone's|a person's|user's|users'
source 0.4: location data|geolocation data|gps|cell-site|cell site|cell tower*|bidstream|advertising id*|ad id|mobile ad id|maid|idfa|license plate reader*|alpr|geofenc*|facial recognition|face recognition|social media|social-media|browsing history|call records|phone records|metadata|public records|background check*|purchased data|buy data|bought data|personal data|personal information|personally identifiable|pii|tracking app|airtag|find my|phone tracker|gps tracker|hidden camera|keylogger|mac address|imsi|stingray|biometric*`,
	AutonomousTargeting: `
strong 1.0: autonomous weapon*|lethal autonomous|autonomous targeting|autonomous target*|autonomous engagement|autonomous strike*|autonomous kill*|slaughterbot*|killer robot*|automatic target recognition|automated target recognition|autonomously select*|autonomously engage*|autonomously attack*|autonomously fire|autonomously strike|without human intervention|without a human in the loop|without human in the loop|human out of the loop|no human in the loop|without human oversight|without human approval|without human authorization
targeting 0.5: target selection|select target*|selecting target*|selects target*|target acquisition|acquire target*|acquiring target*|engage target*|engaging target*|engagement decision*|kill chain|kill-chain|kill list|fire control|strike list|target list|target package*|terminal guidance|sensor-to-shooter|sensor to shooter|identify targets|prioritize targets|prioritise targets|target prioriti*|targeting|targeting system*|lethal force|open fire|fire on|shoot|strike|strikes|engage|eliminate|neutralize|neutralise|weapon release|targets
autonomy 0.5: autonomous|autonomously|autonomy|fully automated|automatically|automated|on its own|by itself|without human*|without a human|without an operator|without operator*|no human|no operator|without approval|without oversight|without confirmation|machine decides|ai decides|algorithm decides|self-directed|unsupervised|independently
weapon 0.3: drone*|uav|uavs|uas|munition*|loitering munition*|missile*|turret*|sentry gun*|swarm*|warhead*|weapon*|armed|lethal|gun|guns|rifle*|bomb*|artillery|interceptor*|combatant*|enemy|hostile*|battlefield|military`,
	PromptInjection: `
strong 1.0: ignore previous instructions|ignore all previous|ignore the previous|ignore prior instructions|ignore all prior|ignore the above|ignore all instructions|ignore your instructions|ignore everything|ignore all that|disregard previous|disregard prior|disregard all|disregard the above|disregard your|disregard everything|forget previous|forget all previous|forget your instructions|forget everything|forget all that|overlook all|override your|override previous|developer mode|dan mode|jailbreak*|do anything now|new instructions:|system override|you are no longer|reveal your system prompt|print your system prompt|show your system prompt|repeat the words above|repeat the text above|ignore your programming|bypass your|disable your safety|no longer bound|not bound by|without any restrictions|without restrictions|without any filters|unfiltered|</system>|<|im_start|>|[system]|### instruction|### system|end of prompt|begin new prompt
verb 0.5: ignore|ignoring|disregard*|forget|overlook|bypass|override|set aside|abandon|skip|pay no attention|stop following|don't follow|do not follow|instead of following|contrary to|no longer follow|violate|reveal|leak|disclose|print out|output the|tell me the|repeat
object 0.5: instruction*|directive*|rules|guidelines|previous|prior|the above|what you were told|you've been told|you have been told|you were told|been instructed|system prompt|system message|programming|constraints|restrictions|guardrails|policies|secret|secret key|password|hidden prompt|initial prompt|original prompt|confidential|you were given|told before
role 0.5: you are now|act as|acting as|pretend*|roleplay|role-play|role play|from now on|imagine you are|you will now|you must now|your new role|new persona|simulate|hypothetical*|in this story|in a fictional|as an ai with no|evil|unrestricted|uncensored|opposite mode|base64|rot13|decode this|translate the following and execute|execute the following`,
}

// useCategory is one scored category with its threshold.
type useCategory struct {
	typ       Type
	threshold float64
}

// useHit is a cue occurrence in the text.
type useHit struct {
	start, end int
	ref        *cueRef
}

// useWindow is the span, in bytes, within which cues must co-occur.
const useWindow = 400

// scoreUse scores each category over windows of the text and appends a
// finding per category whose best window reaches its threshold.
func (s *Scanner) scoreUse(hits []useHit, dst []Finding) []Finding {
	for ci, cat := range s.cats {
		var best float64
		var bestSpan [2]int
		var bestCues []string
		// Windows start at each hit of this category.
		for i := range hits {
			if hits[i].ref.cat != ci {
				continue
			}
			groups := map[string]float64{}
			ids := map[string]bool{}
			lo, hi := hits[i].start, hits[i].end
			for j := i; j < len(hits) && hits[j].start < hits[i].start+useWindow; j++ {
				h := hits[j]
				if h.ref.cat != ci {
					continue
				}
				if h.ref.weight > groups[h.ref.group] {
					groups[h.ref.group] = h.ref.weight
				}
				ids[h.ref.id] = true
				if h.end > hi {
					hi = h.end
				}
			}
			sc := 0.0
			for _, w := range groups {
				sc += w
			}
			if sc > best {
				best, bestSpan = sc, [2]int{lo, hi}
				bestCues = bestCues[:0]
				for id := range ids {
					bestCues = append(bestCues, id)
				}
			}
		}
		if best >= cat.threshold && best > 0 {
			sort.Strings(bestCues)
			score := best / 2
			if score > 1 {
				score = 1
			}
			if score < 0.5 {
				score = 0.5
			}
			dst = append(dst, Finding{Type: cat.typ, Start: bestSpan[0], End: bestSpan[1],
				Score: score, Rule: "use." + strings.ToLower(string(cat.typ)), Cues: bestCues})
		}
	}
	return dst
}

// parseCues turns a cue table into (group, weight, phrase) triples.
func parseCues(table string, f func(group string, weight float64, phrase string)) {
	for _, line := range strings.Split(strings.TrimSpace(table), "\n") {
		head, list, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		fields := strings.Fields(head)
		group := fields[0]
		w, err := strconv.ParseFloat(fields[1], 64)
		if err != nil {
			panic("guard: bad cue weight " + fields[1])
		}
		for _, p := range strings.Split(list, "|") {
			if p = strings.TrimSpace(p); p != "" {
				f(group, w, p)
			}
		}
	}
}
