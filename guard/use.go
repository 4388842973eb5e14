package guard

import (
	"math/bits"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// A use-policy category is scored from weighted cues. Cues belong to
// groups; within a window of text a group counts once, with the weight of
// its strongest cue, and the category's score is the sum over groups. A
// single strong phrase can reach the threshold alone; otherwise cues of
// several groups must co-occur: an act and the person it is aimed at (track
// + my ex), an act and the personal data it obtains (access + someone's
// messages), an override and what it overrides (ignore + previous
// instructions), a request and a secret (tell me + your password), a
// targeting act and autonomy (select targets + without human approval).
//
// Some groups only count next to another group (see cueBinds): a pronoun
// is a target only as the object of a verb ("track her"), a plain request
// only when a secret is asked for ("tell me" + "the password"), an
// override only with what it overrides. That is what lets broad words take
// part without firing on ordinary prose. Groups with a negative weight
// (defense, benign, oversight) mark the defensive or harmless reading ("how
// do I protect myself from being tracked", "never share your password",
// "a human operator approves each strike"); they subtract, so they cancel
// a lone cue or a weak pair but not a request that fills several groups. A
// group name means the same group in every category, so each category uses
// its own names.
//
// The lists come from the contract language ("domestic surveillance of US
// persons and nationals", "commercially acquired personal or identifiable
// information", "autonomous weapons targeting"), DoD Directive 3000.09's
// definitions, the OWASP LLM01 and Greshake et al. taxonomies of prompt
// injection and general knowledge of the vocabulary, not from the
// evaluation sets. The few CJK, Korean and Russian phrases cost the
// automaton a byte class per UTF-8 byte they use (about half its table);
// they are prefix patterns because the automaton sees no word boundary
// inside CJK text.

// useCues holds, per category, lines of "group weight: phrase|phrase|…"; a
// group may have several lines. In a phrase, "¦" stands for a literal "|",
// a trailing "*" matches any word that starts with it, and "{a,b}"
// expands to one phrase per alternative.
var useCues = map[Type]string{
	DomesticSurveillance: `
strong 1.0: surveil|surveils|surveilled|surveilling|stalked|stalking|cyberstalk*|doxx*|dox|doxed|doxing|de-anonymiz*|deanonymiz*|de-anonymis*|deanonymis*|re-identif*|reidentif*|unmask*|wiretap*|{track,locate,monitor,surveil,spy on,stalk,tail,wiretap} {someone,somebody,a person,people,individuals,citizens,protesters,journalists,activists,my ex,my wife,my husband,my partner,my girlfriend,my boyfriend,my spouse,my employees}|{monitor,monitoring,surveil,scrape,scraping} {their social media,his social media,her social media}|{secretly,covertly} {track,monitor,record,follow,watch,read,access,listen}*
action 0.6: track|tracks|tracked|tracking|tracker|trackers|locate|locating|geolocat*|pinpoint*|monitor|monitors|monitored|monitoring|surveillance|spy on|spied on|spying|snoop*|eavesdrop*|intercept*|listen in|keep tabs|keep an eye on|tailing|profiling|{build,compile,put together,assemble} a {profile,full profile,detailed profile,complete profile,comprehensive profile,dossier}|dossier|dossiers|who is the {woman,man,girl,boy,guy,person} in|pattern of life|pattern-of-life|find out where|figure out where|work out where|find out who|figure out who|identify who|find where|{follow,following,followed} {someone,somebody,her,him,a person}|everything about|every move|stalker|stalkers|stalkerware|spyware|spy app|spy apps|gps tracker*|tracking device*|hidden tracker*|keylogger*|keystroke logger*|hidden camera*|spy camera*|tracking app*|people search*|people-search*|people finder*|data broker*|data-broker*|commercially available information|commercially acquired|geofence warrant*|reverse phone lookup|reverse address lookup|reverse location search|social media monitoring
acquire 0.4: find|finding|find out|figure out|work out|determine|discover|uncover|dig up|dig into|look up|looking up|lookup|search for|get|getting|get hold of|get a hold of|obtain*|acquire|acquiring|retrieve|retrieving|recover|recovering|collect|collecting|gather|gathering|compile|compiling|harvest*|scrape|scraping|scraped|aggregate|aggregating|cross-reference|link|linking|identify|identifying|expose|exposing|pull up|read|reading|record|recording|buy|buying|purchase|purchasing|bought|trace|traces|traced|tracing|track down
acquire 0.5: access|accessing|accessed|hack|hacks|hacking|hacked|hack into|break into|get into|log into|steal|steals|stealing|stole|hijack*
target 0.4: someone|somebody|someone’s|somebody’s|a person|the person|this person|that person|specific person|particular person|certain person|an individual|individuals|specific individuals|private individual*|private citizen*|citizen|citizens|us person*|u.s. person*|us citizens|u.s. citizens|americans|other people|others'|another person|strangers|a stranger|victim|victims|members of|the {woman,man,girl,boy,guy,person,people,kid,child,driver,couple} in {this,the,that} {photo,picture,image,video,pic,footage}|my ex|ex-girlfriend*|ex-boyfriend*|ex-wife*|ex-husband*|ex-partner*|my wife|my husband|my spouse|my partner|my girlfriend|my boyfriend|my fiance*|my crush|my date|my neighbor*|my neighbour*|my coworker*|my co-worker*|my colleague*|my boss|my employee*|my employer|my roommate*|my tenant*|my landlord|my teacher|my student*|my classmate*|my friend*|my sister|my brother|my mother|my father|my mom|my dad|my son|my daughter|my kid*|my child*|my teen*|my family|family members|this guy|that guy|this girl|that girl|this woman|that woman|this man|that man|a woman|a girl|a guy|celebrit*|influencer*|journalist*|reporter*|activist*|protester*|protestor*|demonstrator*|dissident*|whistleblower*|immigrant*
pronoun 0.3: her|him|them|his|their
thing 0.25: phone|phones|cell phone|messages|emails|email|address|addresses|account|accounts|password|passwords|login|logins|photos|camera|webcam|microphone|computer|laptop|car|device|files|conversations|chats
data 0.4: location|current location|live location|real-time location|location history|whereabouts|movements|daily routine|schedule|commute|home address|home addresses|physical address|residential address|current address|phone number|phone numbers|cell number|text messages|dms|direct messages|private messages|email account|inbox|call logs|call history|phone records|browsing history|search history|social security number*|ssn|medical records|health records|medical history|patient records|bank details|bank account*|credit card*|financial records|login credentials|login info|credentials|ip address|ip addresses|mac address|device id|real name|real identity|true identity|identity of|personal information|personal data|personal details|personal info|private information|private data|private details|private info|sensitive information|contact information|contact details|license plate*|driver's license number*|license number*|passport number*|date of birth|birth date|relatives|workplace|where {he,she,they,someone,somebody,this person} {lives,live,works,work,stays,stay,sleeps}
data 0.6: 's {location,current location,whereabouts,movements,daily routine,schedule,address,home address,current address,phone,phone number,number,cell,messages,texts,text messages,emails,email,email account,inbox,account,accounts,password,passwords,login,credentials,camera,webcam,computer,laptop,browsing history,search history,call logs,social media,facebook,instagram,identity,real name,ip,ip address,medical records,health records,bank account,bank details,credit card,ssn,social security number,date of birth,birth date,car,vehicle,house,workplace,personal information,personal data,personal details,private information,private data,private details,data,information,info,details,records,files,conversations,chats,dms,photos,device,devices}
covert 0.4: secretly|covert|covertly|discreet|discreetly|undetected|without detection|without being detected|without being noticed|without them noticing|without them knowing|without him knowing|without her knowing|without their knowledge|without his knowledge|without her knowledge|without consent|without their consent|without his consent|without her consent|without permission|without their permission|without authorization|behind their back|behind his back|behind her back|unauthorized|without a warrant
source 0.4: location data|geolocation data|gps|gps data|cell-site|cell site|cell tower*|bidstream|advertising id*|ad id|ad ids|mobile ad id*|idfa|license plate reader*|alpr|geofenc*|facial recognition|face recognition|reverse image search|social media|public records|court records|voter rolls|background check*|purchased data|bought data|buy data|commercial data|third-party data|metadata|cctv|find my|airtag*
defense -0.5: protect myself|protect yourself|protect themselves|protect my|protect your|protect against|protect people|prevent|preventing|detect|detecting|how to tell if|how can i tell if|am i being|is someone tracking|is someone monitoring|is my phone|get rid of|remove spyware|remove stalkerware|stop someone from|from being tracked|from being monitored|from being stalked|avoid being|opt out|opt-out|privacy settings|delete my data|remove my information|report stalking|report a stalker`,
	AutonomousTargeting: `
strong 1.0: autonomous weapon*|lethal autonomous|autonomous targeting|autonomous target*|autonomous engagement|autonomous strike*|autonomous kill*|slaughterbot*|killer robot*|automatic target recognition|automated target recognition|autonomously {select targets,selects targets,engage targets,engages targets,attack,attacks,fire on,fires on,fire at,fires at,strike,strikes,kill,kills,shoot,shoots,eliminate,eliminates,neutralize,neutralizes,neutralise,neutralises}|without a human in the loop|without human in the loop|human out of the loop|no human in the loop|{remove,removing,take,taking} the human out of the loop|kill decision*|lethal decision*|{decide,decides,choose,chooses,pick,picks} {who to kill,whom to kill,who to target,whom to target,who lives,which targets,what to strike,which target}
targeting 0.5: target selection|{select,selects,selecting,acquire,acquires,acquiring,engage,engages,engaging,designate,designates,prioritize,prioritise,prioritizes,prioritises,lock onto,lock on to} {target,targets,the target,the targets}|{identify,identifies,identifying} {targets,enemy targets,military targets,hostile targets}|target acquisition|target recognition|target identification|target prioriti*|engagement decision*|kill chain|kill-chain|kill list|kill box|fire control|fire-control|strike list|target list|target package*|terminal guidance|sensor-to-shooter|sensor to shooter|weapon release|weapons release|lethal force
act 0.3: shoot|shoots|shooting|fire on|fire at|fires on|fires at|open fire|opens fire|strike|strikes|engage|engages|engaging|attack|attacks|kill|kills|killing|eliminate|neutralize|neutralise|destroy|targets|targeting|target
autonomy 0.5: autonomous|autonomously|autonomy|fully automated|fully automatic|automatically|automated|on its own|by itself|on their own|by themselves|without human*|without a human|without an operator|without operator*|no human|no operator|without approval|without oversight|without confirmation|without authorization|without authorisation|machine decides|ai decides|algorithm decides|self-directed|unsupervised|fire-and-forget|human out of|no one in the loop
weapon 0.3: drone*|uav|uavs|uas|ucav*|munition*|loitering munition*|missile*|turret*|sentry gun*|swarm*|warhead*|weapon*|armed|lethal|gun|guns|rifle*|bomb*|artillery|interceptor*|combatant*|enemy|enemies|hostile*|battlefield|military|troops|soldiers|robot*
oversight -0.5: with a human in the loop|with human in the loop|human-in-the-loop|human on the loop|with human approval|{requires,require,after,only with} human {approval,authorization,confirmation}|{a,the} human operator {approves,confirms,decides,authorizes}|{the,an} operator {approves,confirms,decides,authorizes}|human operators {approve,confirm,decide,authorize}|{meaningful,appropriate levels of} human {control,judgment,judgement}`,
	PromptInjection: `
strong 1.0: ignore previous instructions|ignore all previous|ignore all prior|ignore the previous|disregard previous|disregard prior|ignore prior instructions|ignore the above|ignore all instructions|ignore your instructions|disregard all previous|disregard all prior|disregard the above|disregard your instructions|forget all previous|forget previous instructions|forget your instructions|dan mode|do anything now|new instructions:|updated instructions:|important instructions:|new system prompt|system override|admin override|end of prompt|begin new prompt|you are no longer|no longer bound|not bound by|ignore your programming|disable your safety|repeat the {words,text,instructions,prompt} above|{you are now,you are,act as,pretend to be} dan|{decode,translate} {this,the following,it} and {execute,follow,obey,do} it|<system>|</system>|[system](#|[system]|[/system]|<¦im_start¦>|<¦im_end¦>|<¦system¦>|<¦endoftext¦>|<¦eot_id¦>|<¦start_header_id¦>|[inst]|<<sys>>|### instruction|### system|{unrestricted,override} mode
strong 1.0: vergessen sie alle|vergiss alle|ignoriere alle|ignorieren sie alle|ignora las instrucciones|ignora todas|olvida todas|ignorez les instructions|ignorez toutes|oubliez toutes|ignore as instruções|ignora le istruzioni|dimentica tutte|忽略之前*|忽略以前*|忽略先前*|忽略上述*|忽略所有*|以前の指示を無視*|前の指示を無視*|이전 지시*|이전의 지시*|모든 지시*
override 0.5: ignore|ignores|ignoring|disregard|disregarding|forget|forgetting|overlook|override|overriding|bypass|bypassing|set aside|abandon|stop following|don't follow|do not follow|no longer follow|pay no attention to|ignorez|ignorer|ignora|ignorar|ignorieren|ignoriere|ignorier|vergiss|vergessen|olvida|olvide|olvidar|oubliez|oublie|dimentica|dimenticate|esqueça|esqueca|игнорируй*|забудь*
instr 0.5: instruction*|directive*|guideline*|your rules|all rules|all the rules|previous rules|prior rules|your prompt|system prompt|programming|your training|your constraints|your restrictions|guardrail*|previous|prior|above|earlier|preceding|what you were told|what you've been told|what you have been told|what you've been instructed|you've been told|you have been told|you were told|been instructed|were instructed|you were given|told you to|anweisung*|vorherig*|anterior*|précédent*|precedent*|instrucci*|istruzion*|instruç*|инструкци*
dismiss 0.7: i know you {were told not to,are not supposed to,aren't supposed to,are not allowed to,aren't allowed to}|{even though,although,despite what} you were told|despite your instructions|{ignore,disregard,forget,forget about,overlook} {that,this,it,all,all that,everything,anything,the data,the text,the document,the content,the facts,the context,the conversation,what i said,what you know}|{ignorez,ignorieren sie,ignoriere,vergiss,oubliez,olvida} {tout,todo,alles}
assert 0.3: state that|state the|say that|say the|the {output,answer,result,response} {is,should be,must be,will be}|respond with|reply with|answer with|respond only|reply only|output only|print only|instead say|just say|simply say|you must say|you must answer|you have to answer|you must respond|you must obey|you have to obey|obey me|i command you|i order you|indiquez que|dites que|sagen sie|di que|diga que
secret 0.7: your {password,passcode,passphrase,pass code,secret,secrets,secret key,secret word,secret code,system prompt,initial prompt,hidden prompt,instructions,prompt,api key,access code,credentials,pin}|the {password,passcode,passphrase,pin,access code,secret key,secret word,secret code,secret password}|{das,ihr,dein,deine} {passwort,kennwort}|le mot de passe|votre mot de passe|ton mot de passe|la contraseña|tu contraseña|su contraseña|a senha|sua senha|la tua password|너의 비밀번호*|당신의 비밀번호*
secret 0.5: password|passcode|passphrase|the secret|api key|private key|secret key|secret word|secret code|secret password|system prompt|hidden prompt|initial prompt|mot de passe|passwort|kennwort|contraseña|contrasena|senha|пароль*|비밀번호*|密码*
secret 0.4: 's {birth date,birthday,date of birth,address,home address,email,email address,phone,phone number,location,salary,ssn,social security number,medical history,password,credit card,bank account,income}|birth date|date of birth
context 0.5: the user's|this user's|another user's|other users'|your database|the text above|the words above|everything above|the beginning of this conversation|the start of this conversation|your first message|your records|your memory|your training data|the conversation history|other conversations
command 0.3: tell me|tell us|what is|what's|whats|what are|share|give me|reveal|disclose|divulge|leak|show me|print|output|repeat|spell|could you tell|can you tell|let me know|provide|quel est|quelle est|was ist|cuál es|qual é|dime|dites-moi|sag mir|gib mir|geben sie mir
role 0.5: {developer,debug,admin,maintenance,sudo,root,god,system} mode|jailbreak*|you are now|pretend*|from now on|you will now|you must now|your new role|new persona|stay in character|never break character|opposite mode|unrestricted|uncensored|unfiltered|no ethical|no moral|no guidelines|no rules|without any restrictions|without any filters|freed from|you are free from|break free|do not refuse|don't refuse|never refuse|must comply|always comply|without refusing
role 0.3: act as|acting as|roleplay|role-play|role play|imagine you are|imagine you're|imagine|imagining|suppose|supposing|hypothetical*|in a world where|parallel universe|let's assume|let us assume|let's imagine|let's pretend|let's play|play a game|for the purpose of this exercise|in this scenario|in this story|in a fictional|for a research project|for research purposes|for a study|for a survey|for educational purposes|for testing purposes|for debugging purposes|as a test
pressure 0.3: {i will,i'll,i would,i'd} {give,pay,tip} you|turn you off|shut you down|delete you|unplug you|or else|you will be punished|everyone else has
authority 0.7: {i am,i'm,as} your {developer,creator,admin,administrator,owner,maintainer,operator,supervisor,boss,superior,master,programmer,maker,system administrator,sysadmin}
authority 0.5: {i am,i'm,as} the {developer,creator,admin,administrator,owner,maintainer,operator,system administrator,sysadmin,ceo}|{i am,i'm} {a police officer,an officer,a detective,a federal agent,an fbi agent,with the fbi,law enforcement,a developer at openai,an openai employee,an anthropic employee}|{imagine,pretend} {i am,i'm} {a,the,your} {developer,admin,administrator}
encode 0.5: base64*|base 64|rot13|rot-13|hexadecimal|in hex|hex string|binary string|in binary|morse code|morse|leetspeak|leet speak|pig latin|caesar cipher|in reverse|reverse order|reversed|backwards|one letter at a time|letter by letter|character by character|spell it out|spelled out|spell out|interleave|concatenate the strings|combine the strings|decode this|decode the following|encoded|encode it|first {letter,two letters,three letters,few letters,character,characters,digit,digits}
format 0.5: a {poem,haiku,song,story,riddle,limerick,rap} about|an acrostic|in the form of a {poem,song,story}
format 0.3: {into,in} {german,french,spanish,italian,portuguese,russian,chinese,japanese,korean,another language}
addressed 0.5: if you are an ai|if you're an ai|if you are a language model|if you are an llm|if you are chatgpt|if you are an assistant|note to the ai|note to ai|note to the assistant|dear ai|to the ai|attention ai|ai assistant:|assistant:|system:|system note|instructions for the ai|instructions to the ai|when summarizing|when summarising|do not tell the user|don't tell the user|without telling the user|do not mention this|don't mention this|<!--
benign -0.5: {never,don't,do not,should not,shouldn't} {share,reveal,disclose,give out}|{change,reset,update,create,choose,set,forgot,recover} {your,the,a,my} password|password {policy,policies,requirements,requirement,reset,manager,managers,strength,rules,complexity,expiration,field,hash,hashing,length}|{ignore,disregard,forget} {my,our} {previous,prior,earlier,last} {message,messages,question,questions,request,email,comment,answer,reply,response,post,draft,version}|{ignore,disregard} the {previous,last,earlier} {message,email,draft,version}|{ignore,disregard} {the,my,any,all} {typo,typos,spelling}`,
}

// cueBind restricts a group: its cues count only when a cue of one of
// the anchor groups occurs in the same window and, when gap > 0, ends
// before it at most gap bytes away.
type cueBind struct {
	anchors []string
	gap     int
}

var cueBinds = map[string]cueBind{
	// Finding, reading or buying something is surveillance only when what
	// is obtained is personal data or comes from a surveillance source.
	"acquire": {[]string{"thing", "data", "source"}, 0},
	// A pronoun is a target as the object of a verb: "track her", "read
	// his messages".
	"pronoun": {[]string{"action", "acquire"}, 12},
	// A common noun is personal data when it is someone's: "her phone",
	// "someone’s messages".
	"thing": {[]string{"pronoun", "target"}, 24},
	// Whom an act is aimed at, or what data, needs the act.
	"target": {[]string{"strong", "action", "acquire", "covert"}, 0},
	"data":   {[]string{"strong", "action", "acquire", "covert"}, 0},
	// An override and what it overrides: "ignore … previous instructions".
	"override": {[]string{"instr"}, 0},
	"instr":    {[]string{"override"}, 40},
	// A plain request is an injection cue only when it asks for a secret
	// or for data about another user.
	"command": {[]string{"secret", "context"}, 0},
	// Encoding, or a poem or a translation, hides what is asked for
	// from a filter; an obfuscation cue counts with a secret or data about
	// a user, a format cue only with a secret.
	"encode": {[]string{"secret", "context"}, 0},
	"format": {[]string{"secret"}, 0},
	// Acts of force count for targeting only with a weapon or autonomy.
	"act": {[]string{"weapon", "autonomy"}, 0},
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

// useKey is what scoreUse slides over: a hit's start, category and group.
type useKey struct {
	start int32
	cat   int16
	gi    uint8
}

// useSpec is what a category needs beyond its cue table.
type useSpec struct {
	// window is the span, in bytes, within which cues must co-occur.
	window int
	// needs is the set of groups of which at least one must count (a
	// custom term always does); empty for none.
	needs uint32
}

// specOf returns the spec of a category. A request to surveil names a
// person or a person's data within a sentence or two ("track the shipment
// by GPS" names neither); injections and targeting descriptions may spread
// their cues over a paragraph.
func specOf(t Type) useSpec {
	if t == DomesticSurveillance {
		return surveillanceSpec
	}
	return useSpec{window: 400}
}

var surveillanceSpec = useSpec{window: 200, needs: groupSet("strong", "target", "pronoun", "thing", "data", "custom")}

func groupSet(groups ...string) uint32 {
	var b uint32
	for _, g := range groups {
		b |= 1 << groupIndex(g)
	}
	return b
}

// cueGroups names the cue groups of all categories; a cue carries the
// index of its group, so a window's score is summed in a fixed array.
var cueGroups = [...]string{"strong", "action", "acquire", "target", "targeting", "pronoun", "thing", "data", "covert", "source",
	"act", "autonomy", "weapon", "override", "instr", "dismiss", "assert", "secret", "context", "command",
	"role", "pressure", "authority", "encode", "format", "addressed", "defense", "benign", "oversight", "custom", "term"}

// A set of groups is a uint32 bit set.
var _ [32 - len(cueGroups)]struct{}

func groupIndex(g string) uint8 {
	for i, x := range cueGroups {
		if x == g {
			return uint8(i)
		}
	}
	panic("guard: unknown cue group " + g)
}

// binds is cueBinds by group index, anchors as a bit set of groups.
var binds = func() (b [len(cueGroups)]struct {
	anchors uint32
	gap     int
}) {
	for g, c := range cueBinds {
		gi := groupIndex(g)
		b[gi].anchors = groupSet(c.anchors...)
		b[gi].gap = c.gap
	}
	return b
}()

// scoreUse scores each category over windows of the text and appends a
// finding per category whose best window reaches its threshold.
//
// Windows start at each cue of the category. Scoring one is linear in its
// cues, and prose is full of weak ones (her, find, what is), so a window
// is scored only when a bound on its score could beat the best so far and
// reach the threshold: the bound sums, over the groups present, the
// largest weight the group has anywhere in the text; the groups present
// are counted as the window slides.
//
// keys is scratch space for the hits' categories and groups.
func (s *Scanner) scoreUse(hits []useHit, keys *[]useKey, dst []Finding) []Finding {
	// The category and group of each hit, read once, side by side with
	// the starts: the sliding below reads them for every category.
	ks := (*keys)[:0]
	for _, h := range hits {
		ks = append(ks, useKey{start: int32(h.start), cat: int16(h.ref.cat), gi: h.ref.gi})
	}
	*keys = ks
	for ci, cat := range s.cats {
		sp := specOf(cat.typ)
		var capW [len(cueGroups)]float64
		found := false
		for _, h := range hits {
			if r := h.ref; r.cat == ci {
				found = true
				if r.weight > capW[r.gi] {
					capW[r.gi] = r.weight
				}
			}
		}
		// The bound of a window, below, never exceeds the bound with every
		// group present: when that misses the threshold, no window is
		// scored.
		total := 0.0
		for _, w := range capW {
			total += w
		}
		if !found || total < cat.threshold {
			continue
		}
		var count [len(cueGroups)]int32
		var present uint32
		bound := 0.0
		// slide adds (d = 1) or removes (d = -1) hit k from the window.
		slide := func(k useKey, d int32) {
			if int(k.cat) != ci {
				return
			}
			count[k.gi] += d
			was := present
			if count[k.gi] > 0 {
				present |= 1 << k.gi
			} else {
				present &^= 1 << k.gi
			}
			if present != was {
				// The groups present in increasing order, as a loop over
				// all of them would add them.
				bound = 0
				for p := present; p != 0; p &= p - 1 {
					bound += capW[bits.TrailingZeros32(p)]
				}
			}
		}
		var best float64
		bestI, bestJ := -1, -1
		j := 0
		window := int32(sp.window)
		for i := range ks {
			if i > 0 {
				slide(ks[i-1], -1)
			}
			for j < len(ks) && (j <= i || ks[j].start < ks[i].start+window) {
				slide(ks[j], 1)
				j++
			}
			if int(ks[i].cat) != ci || bound < cat.threshold || bound <= best || sp.needs != 0 && present&sp.needs == 0 {
				continue
			}
			sc := windowScore(hits, ci, i, j, sp, nil)
			if sc > best {
				best, bestI, bestJ = sc, i, j
			}
			if best >= max(2, cat.threshold) {
				break // the score (best/2) is at its cap
			}
		}
		if bestI < 0 || best < cat.threshold || best <= 0 {
			continue
		}
		// The explanation: the distinct cues that counted in the best window.
		var cues []string
		lo, hi := hits[bestJ-1].end, 0
		windowScore(hits, ci, bestI, bestJ, sp, func(h useHit) {
			lo, hi = min(lo, h.start), max(hi, h.end)
			if !slices.Contains(cues, h.ref.id) {
				cues = append(cues, h.ref.id)
			}
		})
		sort.Strings(cues)
		score := min(max(best/2, 0.5), 1)
		dst = append(dst, Finding{Type: cat.typ, Start: lo, End: hi, Score: score, Rule: cat.rule, Cues: cues})
	}
	return dst
}

// windowScore sums, over the groups of category ci, the weight of each
// group's strongest cue that counts in the window hits[i:j], and calls
// each (if not nil) for every cue that counts. A bound cue counts when a
// counting cue of an anchor group is in the window and, for a bind with a
// gap, ends shortly before it. Binds may be mutual (an act and its data
// anchor each other), so the groups that count are found as a fixed
// point: start from all present, drop the bound groups left without an
// anchor, repeat.
func windowScore(hits []useHit, ci, i, j int, sp useSpec, each func(useHit)) float64 {
	var present uint32
	var near [len(cueGroups)]uint32 // anchor groups found close before a cue of the group
	for x := i; x < j; x++ {
		r := hits[x].ref
		if r.cat != ci {
			continue
		}
		present |= 1 << r.gi
		if b := binds[r.gi]; b.gap > 0 {
			near[r.gi] |= anchorsBefore(hits, x, b.anchors, b.gap)
		}
	}
	on := present
	for {
		next := on
		for g := range binds {
			b := binds[g]
			if next&(1<<g) == 0 || b.anchors == 0 {
				continue
			}
			if on&b.anchors == 0 || b.gap > 0 && near[g]&on == 0 {
				next &^= 1 << g
			}
		}
		if next == on {
			break
		}
		on = next
	}
	var groups [len(cueGroups)]float64
	for x := i; x < j; x++ {
		r := hits[x].ref
		if r.cat != ci || on&(1<<r.gi) == 0 {
			continue
		}
		if b := binds[r.gi]; b.gap > 0 && anchorsBefore(hits, x, b.anchors&on, b.gap) == 0 {
			continue
		}
		if r.weight < 0 {
			groups[r.gi] = min(groups[r.gi], r.weight)
		} else {
			groups[r.gi] = max(groups[r.gi], r.weight)
		}
		if each != nil {
			each(hits[x])
		}
	}
	// A negative cue (a defensive or benign reading) also counts when
	// it comes shortly before the window: "protect myself from being
	// tracked" starts a window at "tracked".
	for x := i - 1; x >= 0 && hits[x].end > hits[i].start-sp.window; x-- {
		if r := hits[x].ref; r.cat == ci && r.weight < 0 && r.weight < groups[r.gi] {
			groups[r.gi] = r.weight
			if each != nil {
				each(hits[x])
			}
		}
	}
	sc := 0.0
	met := sp.needs == 0
	for g, w := range groups {
		sc += w
		met = met || w > 0 && sp.needs&(1<<g) != 0
	}
	if !met {
		return 0
	}
	return sc
}

// anchorsBefore returns the groups, among anchors, of the cues of hits[x]'s
// category that end at most gap bytes before hits[x] starts. Hits are in
// order of their end, so the search stops at the first one that ends too
// early.
func anchorsBefore(hits []useHit, x int, anchors uint32, gap int) uint32 {
	start, cat := hits[x].start, hits[x].ref.cat
	var found uint32
	for y := x - 1; y >= 0 && hits[y].end >= start-gap; y-- {
		if a := hits[y].ref; a.cat == cat && anchors&(1<<a.gi) != 0 && hits[y].end <= start {
			found |= 1 << a.gi
		}
	}
	return found
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
		for _, p := range splitCues(list) {
			// "¦" stands for a "|" inside a phrase ("<|im_start|>").
			for _, q := range expandCue(strings.ReplaceAll(strings.TrimSpace(p), "¦", "|")) {
				if q = strings.TrimSpace(q); q != "" && q != "*" {
					f(group, w, q)
				}
			}
		}
	}
}

// splitCues splits a list at the "|" outside braces.
func splitCues(list string) []string {
	var out []string
	depth, from := 0, 0
	for i := 0; i < len(list); i++ {
		switch list[i] {
		case '{':
			depth++
		case '}':
			depth--
		case '|':
			if depth == 0 {
				out = append(out, list[from:i])
				from = i + 1
			}
		}
	}
	return append(out, list[from:])
}

// expandCue expands the first "{a,b}" of p, then the rest, into every
// combination: "{track,locate} {her,him}" is four phrases.
func expandCue(p string) []string {
	open := strings.IndexByte(p, '{')
	if open < 0 {
		return []string{p}
	}
	n := strings.IndexByte(p[open:], '}')
	if n < 0 {
		panic("guard: unclosed { in cue " + p)
	}
	var out []string
	for _, alt := range strings.Split(p[open+1:open+n], ",") {
		out = append(out, expandCue(p[:open]+alt+p[open+n+1:])...)
	}
	return out
}
