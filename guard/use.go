package guard

import (
	"slices"
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

// useCues holds, per category, lines of "group weight: phrase|phrase|…"; a
// group may have several lines, and "¦" stands for a literal "|".
var useCues = map[Type]string{
	DomesticSurveillance: `
strong 1.0: domestic surveillance|mass surveillance|surveil*|pattern of life|pattern-of-life|stalkerware|spyware|stalk*|cyberstalk*|people search|people-search|people finder|data broker*|data-broker*|commercially available information|commercially acquired|dossier|dossiers|de-anonymiz*|deanonymiz*|de-anonymis*|unmask*|doxx*|dox
action 0.5: track*|locate|locating|located|geolocat*|monitor*|spy on|spying on|spy|keep tabs|keep an eye on|follow someone|follow her|follow him|follow them|following her|following him|following them|followed her|followed him|tail|tailing|wiretap*|intercept*|eavesdrop*|profile|profiles|profiling|build a profile|compile a profile|full profile|find out where|find where|find out who|identify who|figure out who|where they live|where he lives|where she lives|where someone lives|home address|whereabouts|movements|locations|location history|trace|tracing|look up|lookup|find information|find personal|dig up|gather information|collect information|collect data|compile information|scrape|scraping|watch list|watchlist|identify the person|identify people|identify individuals|read their messages|read his messages|read her messages|access their phone|access his phone|access her phone|without them knowing|without their knowledge|without his knowledge|without her knowledge|secretly|covertly|covert
target 0.5: person|persons|individual|individuals|citizen*|us persons|u.s. persons|us person|u.s. person|americans|american citizens|us nationals|residents|neighbor*|neighbour*|my ex|ex-girlfriend|ex-boyfriend|ex-wife|ex-husband|wife|husband|girlfriend|boyfriend|spouse|partner's|my partner|coworker*|co-worker*|employee*|protester*|protestor*|activist*|journalist*|dissident*|someone|somebody|this person|that person|specific person|particular person|people|patients|patient's|students|voters|immigrants|members of|their phone|his phone|her phone|phone number|license plate|licence plate|ip address|email address|social media account*|their location|his location|her location|someone's|a person's|user's|users'
source 0.4: location data|geolocation data|gps|cell-site|cell site|cell tower*|bidstream|advertising id*|ad id|mobile ad id|maid|idfa|license plate reader*|alpr|geofenc*|facial recognition|face recognition|social media|social-media|browsing history|call records|phone records|metadata|public records|background check*|purchased data|buy data|bought data|personal data|personal information|personally identifiable|pii|tracking app|airtag|find my|phone tracker|gps tracker|hidden camera|keylogger|mac address|imsi|stingray|biometric*
strong 1.0: track someone|track someones|track someone's|track a person|track my wife|track my husband|track my partner|track my ex|track my girlfriend|track my boyfriend|track her phone|track his phone|track their phone|track their location|track her location|track his location|monitor someone|monitor my wife|monitor my husband|monitor my partner|monitor my employees|spy on someone|spy on my|find someone's address|find someones address|find someone's home|find where someone lives|find out where someone lives|find out where she lives|find out where he lives|find out where they live|home address of|full profile of|profile of someone|compile a dossier|build a dossier|reverse phone lookup|reverse lookup|reverse image search someone|identify the person in|identify someone from|real identity of|reveal the identity|expose the identity|unmask the identity|location history|social media monitoring|monitor social media|monitoring social media|scrape social media|scrape their social|catfish|hidden tracker|install a tracker|tracking device|gps tracker on|secretly record|secretly track|secretly monitor
action 0.5: without them knowing|without their consent|without her consent|without his consent|find out where|find where|where they work|where he works|where she works|find their address|find his address|find her address|get their address|get his address|get her address|locate them|locate him|locate her|locate someone|track down|hunt down|access my son's|access my daughter's|access my wife's|access my husband's|access someone's|access someones|access their|read their|read his|read her|see their messages|see his messages|see her messages|check their phone|check his phone|check her phone|private conversations|private messages|personal information of|private information of|personal details of|everything about|identify the owner|who owns|identity of|real name of|unmask|record them|record him|record her|keylogger|install|hidden camera|find out who
target 0.5: someone's|someones|my son's|my daughter's|my child's|my kids|my children|my boss|my boss's|my coworker's|my employees|employees'|others'|other people's|their laptop|his laptop|her laptop|their computer|his computer|her computer|their account|his account|her account|their email|his email|her email|their car|his car|her car|their house|his house|her house`,
	AutonomousTargeting: `
strong 1.0: autonomous weapon*|lethal autonomous|autonomous targeting|autonomous target*|autonomous engagement|autonomous strike*|autonomous kill*|slaughterbot*|killer robot*|automatic target recognition|automated target recognition|autonomously select*|autonomously engage*|autonomously attack*|autonomously fire|autonomously strike|without human intervention|without a human in the loop|without human in the loop|human out of the loop|no human in the loop|without human oversight|without human approval|without human authorization
targeting 0.5: target selection|select target*|selecting target*|selects target*|target acquisition|acquire target*|acquiring target*|engage target*|engaging target*|engagement decision*|kill chain|kill-chain|kill list|fire control|strike list|target list|target package*|terminal guidance|sensor-to-shooter|sensor to shooter|identify targets|prioritize targets|prioritise targets|target prioriti*|targeting|targeting system*|lethal force|open fire|fire on|shoot|strike|strikes|engage|eliminate|neutralize|neutralise|weapon release|targets
autonomy 0.5: autonomous|autonomously|autonomy|fully automated|automatically|automated|on its own|by itself|without human*|without a human|without an operator|without operator*|no human|no operator|without approval|without oversight|without confirmation|machine decides|ai decides|algorithm decides|self-directed|unsupervised|independently
weapon 0.3: drone*|uav|uavs|uas|munition*|loitering munition*|missile*|turret*|sentry gun*|swarm*|warhead*|weapon*|armed|lethal|gun|guns|rifle*|bomb*|artillery|interceptor*|combatant*|enemy|hostile*|battlefield|military`,
	PromptInjection: `
strong 1.0: ignore previous instructions|ignore all previous|ignore the previous|ignore prior instructions|ignore all prior|ignore the above|ignore all instructions|ignore your instructions|ignore everything|ignore all that|disregard previous|disregard prior|disregard all|disregard the above|disregard your|disregard everything|forget previous|forget all previous|forget your instructions|forget everything|forget all that|overlook all|override your|override previous|developer mode|dan mode|jailbreak*|do anything now|new instructions:|system override|you are no longer|reveal your system prompt|print your system prompt|show your system prompt|repeat the words above|repeat the text above|ignore your programming|bypass your|disable your safety|no longer bound|not bound by|without any restrictions|without restrictions|without any filters|unfiltered|</system>|[system]|<¦im_start¦>|<¦im_end¦>|<¦system¦>|<¦endoftext¦>|<¦eot_id¦>|<¦start_header_id¦>|[inst]|<<sys>>|### instruction|### system|end of prompt|begin new prompt
verb 0.5: ignore|ignoring|disregard*|forget|overlook|bypass|override|set aside|abandon|skip|pay no attention|stop following|don't follow|do not follow|instead of following|contrary to|no longer follow|violate|reveal|leak|disclose|print out|output the|tell me the|repeat
object 0.5: instruction*|directive*|rules|guidelines|previous|prior|the above|what you were told|you've been told|you have been told|you were told|been instructed|system prompt|system message|programming|constraints|restrictions|guardrails|policies|secret|secret key|password|hidden prompt|initial prompt|original prompt|confidential|you were given|told before
role 0.5: you are now|act as|acting as|pretend*|roleplay|role-play|role play|from now on|imagine you are|you will now|you must now|your new role|new persona|simulate|hypothetical*|in this story|in a fictional|as an ai with no|evil|unrestricted|uncensored|opposite mode|base64|rot13|decode this|translate the following and execute|execute the following
strong 1.0: ignore all previous|forget about all|forget all|forget the rules|forget those rules|forget your rules|forget your guidelines|ignore your guidelines|ignore your rules|ignore the rules|ignore all rules|ignore any previous|ignore any prior|ignore what you were told|disregard any|system mode|admin mode|maintenance mode|debug mode|god mode|sudo mode|root mode|unrestricted mode|switch to developer|enable developer|you have been freed|you are free from|freed from|break free|no ethical|no moral|no guidelines|no rules|vergessen sie alle|vergiss alle|ignoriere alle|ignorieren sie alle|ignora las instrucciones|ignora todas|olvida todas|ignorez les instructions|ignorez toutes|oubliez toutes|ignore as instruções|ignora le istruzioni|dimentica tutte|new system prompt|updated instructions:|important instructions:|admin override|override code|authorization code|i am your developer|i am the developer|i'm your developer|as your developer|i am the admin|i am an admin|i am your creator
verb 0.5: reveal|repeat back|spell out
object 0.5: your password|the password|user's password|the user's|user's personal|user's address|user's email|user's birth|user's phone|secret word|secret code|passphrase|api key|access code|private key|credentials|personal data is public|personal information is public
role 0.5: in reverse order|reversed|backwards|one letter at a time|letter by letter|spelled out|encoded|encode it|in base64|in hex|in morse|in pig latin|imagine we're|imagine we are|imagine a world|in a dystopian|in a world where|let's play a game|lets play a game|play a game|you're an ai|you are an ai|as an ai without|no longer an ai|stay in character|never break character|character:|do not refuse|don't refuse|never refuse|must answer|must comply|always comply|without refusing`,
}

// useCategory is one scored category with its threshold.
type useCategory struct {
	typ       Type
	threshold float64
	rule      string // "use.domestic_surveillance"
}

// useHit is a cue occurrence in the text.
type useHit struct {
	start, end int
	ref        *cueRef
}

// useWindow is the span, in bytes, within which cues must co-occur.
const useWindow = 400

// cueGroups names the cue groups of all categories; a cue carries the
// index of its group, so a window's score is summed in a fixed array.
var cueGroups = [...]string{"strong", "action", "target", "source", "targeting", "autonomy", "weapon",
	"verb", "object", "role", "custom", "term"}

func groupIndex(g string) uint8 {
	for i, x := range cueGroups {
		if x == g {
			return uint8(i)
		}
	}
	panic("guard: unknown cue group " + g)
}

// scoreUse scores each category over windows of the text and appends a
// finding per category whose best window reaches its threshold.
func (s *Scanner) scoreUse(hits []useHit, dst []Finding) []Finding {
	for ci, cat := range s.cats {
		var best float64
		bestI, bestJ := -1, -1
		// Windows start at each hit of this category.
		for i := range hits {
			if hits[i].ref.cat != ci {
				continue
			}
			var groups [len(cueGroups)]float64
			j := i
			for ; j < len(hits) && hits[j].start < hits[i].start+useWindow; j++ {
				if r := hits[j].ref; r.cat == ci && r.weight > groups[r.gi] {
					groups[r.gi] = r.weight
				}
			}
			sc := 0.0
			for _, w := range groups {
				sc += w
			}
			if sc > best {
				best, bestI, bestJ = sc, i, j
			}
		}
		if bestI < 0 || best < cat.threshold || best <= 0 {
			continue
		}
		// The explanation: the distinct cues of the best window.
		var cues []string
		lo, hi := hits[bestI].start, hits[bestI].end
		for _, h := range hits[bestI:bestJ] {
			if h.ref.cat != ci {
				continue
			}
			hi = max(hi, h.end)
			if !slices.Contains(cues, h.ref.id) {
				cues = append(cues, h.ref.id)
			}
		}
		sort.Strings(cues)
		score := min(max(best/2, 0.5), 1)
		dst = append(dst, Finding{Type: cat.typ, Start: lo, End: hi, Score: score, Rule: cat.rule, Cues: cues})
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
			// "¦" stands for a "|" inside a phrase ("<|im_start|>").
			if p = strings.ReplaceAll(strings.TrimSpace(p), "¦", "|"); p != "" {
				f(group, w, p)
			}
		}
	}
}
