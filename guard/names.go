package guard

// firstNames are common US given names, written out from the Social
// Security Administration's and the Census Bureau's published name
// frequencies (public domain), in alphabetical order. Names
// that are also everyday words, places or brands (June, Georgia, Chase,
// Amber, Jordan, Victoria…) are left out: a capitalised word at the start
// of a sentence must not become a person on its own. A trailing surname is
// read by the detector, not listed.
const firstNames = "" +
	"aaliyah|aaron|abigail|abraham|adam|addison|adrian|adriana|agnes|aiden|alan|albert|alex|alexander|" +
	"alexandra|alexandria|alexis|alfred|ali|alice|alicia|allen|allison|alma|alyssa|amanda|amy|andre|" +
	"andrea|andrew|andy|angela|anita|ann|anna|annie|anthony|antonio|aria|ariana|armando|arthur|arturo|" +
	"ashley|ashlyn|audrey|ava|barbara|barry|beau|becky|bella|ben|benjamin|benny|bernard|bert|bertha|" +
	"bessie|beth|betty|beverly|billy|blake|bobby|bonnie|brad|bradley|brandon|brenda|brent|brett|brian|" +
	"brianna|brittany|brittney|brooke|bruce|bryan|bryant|bryce|byron|caleb|calvin|cameron|camila|carl|" +
	"carlos|carol|caroline|carolyn|carrie|carson|cassandra|catherine|cathy|cecil|cedric|cesar|chad|" +
	"charlene|charles|cheryl|chloe|chris|christina|christine|christopher|christy|claire|clara|clarence|" +
	"claude|claudia|clayton|clifford|clyde|cody|cole|colleen|colton|connie|connor|cora|corey|cornelius|" +
	"courtney|craig|curtis|cynthia|damian|dan|dana|daniel|danielle|danny|darlene|darnell|darrell|darren|" +
	"darryl|david|deanna|debbie|deborah|debra|delbert|della|delores|denise|dennis|derek|derrick|devin|" +
	"dewey|diana|diane|dianne|diego|dolores|dominic|dominick|donald|donna|doris|dorothy|douglas|duane|" +
	"dustin|dwayne|dwight|dylan|earl|eddie|edgar|edith|edmund|edna|eduardo|edward|edwin|eileen|elaine|" +
	"eleanor|elena|eli|elias|elijah|elizabeth|ella|ellen|ellie|elmer|elsie|emilia|emilio|emily|emma|" +
	"emmanuel|emmett|enrique|eric|erica|erika|erin|ernest|ernesto|estelle|esther|ethan|ethel|eugene|eva|" +
	"evan|evelyn|everett|everly|faye|felicia|felix|fernando|finn|floyd|forrest|frances|francine|francis|" +
	"francisco|frank|fred|freda|frederick|gabriel|gabriella|gabrielle|gage|gail|gary|gavin|george|gerald|" +
	"geraldine|gerardo|gertrude|gilbert|gina|giovanni|glenda|glenn|gloria|gordon|grady|grayson|gregory|" +
	"gretchen|gwendolyn|hailey|haley|hannah|harold|harper|harriet|harry|hattie|hayden|heather|hector|" +
	"helen|henry|herbert|herman|homer|howard|hubert|hugh|ian|ida|irene|irvin|irving|isaac|isabel|isabella|" +
	"isaiah|ismael|ivan|jace|jack|jackie|jacob|jacqueline|jaden|jaime|james|jameson|jamie|jana|jane|janet|" +
	"janice|janie|jared|jase|jasmine|jason|jasper|javier|jaxon|jay|jayden|jean|jeanette|jeanne|jeannette|" +
	"jeff|jeffery|jeffrey|jeffry|jenna|jennie|jennifer|jenny|jerald|jeremy|jermaine|jerome|jerry|jesse|" +
	"jessica|jessie|jill|jim|jimmie|jimmy|jo|joan|joann|joanne|jocelyn|jodi|joe|joel|johanna|john|johnnie|" +
	"johnny|jon|jonathan|jonathon|jorge|jose|josefina|joseph|josephine|joshua|josiah|joyce|juan|juanita|" +
	"jude|judith|judy|julia|julian|juliana|julie|julio|julius|justin|kai|kaitlyn|kaleb|kara|karen|kari|" +
	"karl|karla|kate|katharine|katherine|kathleen|kathryn|kathy|katie|katrina|kay|kayden|kayla|kaylee|" +
	"keith|kelly|kelsey|kelvin|ken|kendall|kennedy|kenneth|kent|kevin|kimberly|kinsley|kirk|krista|" +
	"kristen|kristin|kristina|kristy|kurt|kyle|kylie|lamar|lana|lance|landon|larry|latoya|laura|lauren|" +
	"laurie|lawrence|layla|leah|lee|leo|leon|leona|leonard|leroy|leslie|lester|levi|lewis|liam|lila|" +
	"lillian|lily|linda|lindsay|lindsey|lisa|lloyd|logan|lois|lola|lonnie|lora|loretta|lori|lorraine|" +
	"louis|louise|lowell|luann|lucas|lucille|lucy|luis|luke|luther|lydia|lynda|lynn|mabel|mable|mackenzie|" +
	"maddox|madeline|madelyn|mae|makayla|malachi|malcolm|mandy|manuel|marc|marcella|marcia|marco|marcus|" +
	"margaret|margarita|margie|maria|mariah|marian|marianne|maribel|marie|marilyn|mario|marion|marisa|" +
	"marjorie|marlene|marsha|martha|martin|marvin|mary|mason|matthew|mattie|maureen|maurice|maxine|maya|" +
	"megan|meghan|melanie|melinda|melissa|melody|melvin|meredith|mia|michael|micheal|michele|michelle|" +
	"miguel|mike|mildred|milton|mindy|miriam|mitchell|molly|monica|morris|myron|nancy|naomi|natalie|" +
	"natasha|nathan|nathanial|nathaniel|neil|nellie|nelson|nevaeh|nicholas|nichole|nick|nicolas|nicole|" +
	"nina|noah|nolan|nora|norma|norman|olga|olivia|oscar|otis|owen|pablo|paisley|pamela|parker|patricia|" +
	"patrick|patsy|paul|paula|pauline|pedro|peggy|penelope|percy|peter|peyton|philip|phillip|phyllis|" +
	"preston|priscilla|quinn|rachael|rachel|rafael|ralph|ramon|randall|randy|raul|raymond|rebecca|" +
	"reginald|rene|renee|rhonda|ricardo|richard|rick|ricky|riley|rita|robert|roberta|roberto|robin|" +
	"roderick|rodney|rodolfo|rogelio|roger|roland|rolando|ron|ronald|ronnie|ronny|rosa|rosalie|rosemary|" +
	"rosie|ross|roxanne|roy|ruben|rudy|rufus|russell|ruth|ryan|ryder|sabrina|sadie|sally|sam|samantha|" +
	"samuel|sandra|sara|sarah|saul|scarlett|scott|sean|sebastian|selena|sergio|seth|shana|shane|shannon|" +
	"sharon|shauna|shawn|sheila|shelby|sheldon|shelly|sheri|sherman|sherri|sherry|shirley|sidney|silas|" +
	"skylar|sonia|sonja|sophia|sophie|spencer|stacey|stacy|stanley|stella|stephanie|stephen|steve|steven|" +
	"stewart|stuart|susan|susie|suzanne|sylvester|sylvia|tabitha|tamara|tammy|tanya|tara|tasha|taylor|ted|" +
	"teresa|terrance|terrence|terri|terry|thelma|theo|theodore|theresa|thomas|tiffany|tim|timothy|tina|" +
	"todd|tom|tomas|tommy|toni|tony|tonya|tracey|traci|tracy|travis|trevor|tricia|tristan|troy|tucker|" +
	"tyler|tyrone|ulysses|ursula|valerie|vanessa|velma|vera|verna|vernon|veronica|vicki|vickie|victor|" +
	"vincent|viola|virgil|vivian|wallace|walter|wanda|warren|wayne|wendell|wendy|wesley|weston|whitney|" +
	"wilbur|willard|william|willie|wilma|wilson|wyatt|xavier|yesenia|yolanda|yvonne|zachary|zane|zoe|zoey"

// worldGivenNames are common given names of the languages and regions
// whose people write to US agencies, written out from general knowledge of
// each country's frequent names, one group per language area. Names that
// are English words (Iris, Guy, Joy), places (Florence, Santiago) or
// surnames first are left out, as in the US list.
const worldGivenNames = "" +
	// English-speaking, beyond the US list.
	"abbie|abby|ada|adele|aidan|ainsley|alana|alastair|alec|alfie|alisha|alison|alistair|allan|allie|" +
	"althea|alyson|amelia|amos|angus|annabel|annabelle|anne|annette|antonia|archie|arlene|arnold|aubrey|" +
	"audra|austen|beatrice|belinda|benedict|bernadette|bernice|bethany|blanche|bridget|brody|bronwyn|" +
	"caitlin|callum|camille|candice|carla|carmen|carole|casey|cecilia|charlie|ciara|clarissa|" +
	"claudette|clint|colin|conor|constance|cordelia|corinne|cyril|damon|daphne|darcy|darla|declan|" +
	"deirdre|delia|demi|desmond|dexter|dianna|dominique|donovan|dora|doreen|dorothea|duncan|edmond|elise|" +
	"eliza|elliot|elliott|eloise|elsa|elton|emmeline|erik|ernestine|errol|esme|eunice|evangeline|fergus|" +
	"fiona|francesca|freddie|frederica|gareth|garrett|gemma|genevieve|geoffrey|georgina|gerard|gideon|" +
	"gillian|ginny|giselle|glenys|godfrey|gregg|greta|gus|gwen|hamish|harvey|heidi|henrietta|hilary|" +
	"hilda|hollie|horace|hugo|humphrey|imogen|ingrid|isla|isobel|ivor|jacinta|jamal|jarrod|jeanine|" +
	"jemima|jeremiah|jethro|joanna|jolene|jonah|judd|juliet|justine|karina|katelyn|kathrine|katy|keira|" +
	"kenny|kerry|kieran|kirsten|kirsty|lachlan|laurence|lenny|leonora|lesley|lettie|linus|lionel|lorna|" +
	"lottie|louisa|lucian|lucinda|luella|lyle|maddie|maggie|maisie|marcy|margot|marguerite|marianna|" +
	"marlon|marty|matilda|maud|maude|maxwell|mervyn|millie|milo|minnie|miranda|moira|mollie|monty|muriel|" +
	"myra|nadia|nell|nelly|nigel|noreen|norris|oliver|ollie|oswald|patrice|perry|pippa|polly|priya|" +
	"quentin|rebekah|reggie|reuben|rhiannon|rhys|rosalind|rosamund|roscoe|rowena|rupert|russ|sasha|" +
	"seamus|shaun|shelley|sheryl|simone|sinead|siobhan|stefan|sybil|tamsin|tessa|thea|tobias|toby|trent|" +
	"trudy|una|vaughn|vince|wilfred|winifred|winston|wynne|yvette|zachariah|zara|" +
	// German, Austrian, Swiss.
	"adelheid|agathe|alois|andreas|anja|anke|annegret|annelie|anneliese|annika|armin|arno|astrid|axel|" +
	"barbel|benedikt|bernd|bernhard|berthold|birgit|bodo|brigitte|britta|bärbel|carsten|christa|christel|" +
	"christiane|christoph|claus|cornelia|dagmar|detlef|dietmar|dietrich|dorothee|egon|ekkehard|elfriede|" +
	"elke|elsbeth|emil|erich|ernst|erwin|eugen|ewald|fabian|florian|franz|franziska|friedhelm|friedrich|" +
	"fritz|gabriele|georg|gerd|gerda|gerhard|gertraud|gisela|gottfried|gregor|gudrun|gunter|gustav|" +
	"günter|günther|hanna|hannelore|hannes|hans|hansjörg|harald|hartmut|hedwig|heide|heike|heiko|" +
	"heinrich|heinz|helga|helmut|helmuth|henning|hermann|hildegard|holger|horst|ilse|ina|ines|inga|inge|" +
	"ingeborg|irmgard|jens|joachim|jochen|johann|johannes|jonas|jutta|jörg|jürgen|karin|karsten|" +
	"katharina|kerstin|klaus|konrad|lars|lena|leni|leonie|liesel|lothar|lukas|lutz|magdalena|maik|" +
	"manfred|mareike|margarete|margit|markus|marlies|martina|mathias|matthias|maximilian|meike|michaela|" +
	"monika|nadine|nils|norbert|olaf|ottilie|ottmar|otto|petra|rainer|ralf|reinhard|reinhold|renate|rolf|" +
	"rosemarie|rudolf|rüdiger|sabine|siegfried|sieglinde|sigrid|silke|stefanie|steffen|susanne|sven|" +
	"svenja|sönke|theresia|thilo|thorsten|torsten|udo|ulla|ulrich|ulrike|ute|uwe|veronika|volker|" +
	"walburga|waltraud|werner|wilhelm|willi|wolfgang|" +
	// Dutch, Flemish.
	"aafke|adriaan|annelies|annemarie|annemiek|anouk|arjen|bart|bas|bram|brecht|cornelis|daan|eline|els|" +
	"evert|femke|fenna|frits|geert|geertruida|gerrit|gert|gijs|hanneke|hendrik|henk|hilde|jaap|" +
	"jan-willem|jef|jelle|jeroen|joost|joris|jozef|karel|kees|klaas|koen|kristof|lieke|lieve|lotte|luuk|" +
	"maaike|maarten|marieke|marjolein|marloes|mees|niels|nienke|noor|pieter|roel|rutger|ruud|sanne|sem|" +
	"siem|sjoerd|stijn|teun|thijs|tijs|tineke|wannes|wessel|willem|willemijn|wim|wouter|yara|zeger|" +
	// Danish, Norwegian, Swedish, Icelandic, Faroese, Greenlandic.
	"aase|agnete|alfhild|anders|anne-marie|aqqaluk|arne|asbjørn|aslak|astri|aud|aðalsteinn|bendt|" +
	"benedikte|bengt|birgitta|birgitte|birna|bjarki|bjarne|björk|björn|bjørg|bjørn|bodil|britt|brynjar|" +
	"børge|camilla|carina|dagny|davíð|dorte|dorthe|ebba|ebbe|egil|egill|einar|eirik|eiríkur|eivind|elin|" +
	"elisabet|elna|elsebeth|elín|eskil|espen|estrid|frederik|frederikke|freja|frida|frode|gorm|gry|" +
	"gunhild|gunnar|gunvor|gustaf|guðmundur|guðrún|hafdís|hafþór|halldór|hallgrímur|halvard|halvor|hanne|" +
	"haraldur|hedda|helge|helle|henrik|hildur|hjalmar|hrafn|ingebjørg|ingegerd|ingibjörg|ingvar|inuk|" +
	"jakob|jesper|johan|jonatan|jorunn|jytte|jóhann|jóhanna|jón|jørgen|kaj|kajsa|kamma|karianne|kasper|" +
	"katrine|katrín|kim|kjell|knud|knut|kristian|kristján|kristoffer|kristín|kári|lasse|laust|leif|lene|" +
	"lise|liv|magnus|magnús|majken|malene|malik|malin|margrét|marit|mathilde|merete|mette|mikael|mikkel|" +
	"mogens|morten|naja|nanna|niklas|nikolaj|ninna|nivi|oddvar|ola|ole|oline|olof|oskar|palle|pernille|" +
	"poul|povl|preben|páll|pétur|ragnar|ragnheiður|ragnhild|randi|rasmus|rikke|ronja|rúnar|signe|" +
	"sigríður|sigurd|sigurður|siv|snorre|snorri|solveig|sondre|steen|stefán|steinunn|stig|svein|" +
	"sveinn|svend|synnøve|sóley|sørensen|tage|terje|thor|thorvald|torben|tord|torstein|tove|trine|trond|" +
	"turid|ulf|ulrik|unnur|valdís|vibeke|vigdís|viggo|vilde|vilhelm|villads|árni|ásgeir|åke|åsa|ólafur|" +
	"ólöf|ørjan|øystein|þóra|þórunn|þórður|" +
	// Finnish, Estonian, Sami.
	"aadu|aila|aino|aivar|aleksander|aleksi|andres|anneli|antti|anu|argo|arja|arto|arvo|eero|eija|eila|" +
	"elina|elisa|endel|erkki|esa|esko|hannele|hannu|harri|heikki|heino|heli|helju|helmi|hilkka|hillar|" +
	"ilkka|ilmari|indrek|irja|irma|jaakko|jaan|jaanus|jani|janne|jari|jarkko|jarmo|jorma|jouko|juha|" +
	"juhani|juho|jukka|jussi|kaarina|kadri|kaija|kaja|kalevi|kalju|kalle|katja|kaupo|kersti|kimmo|kirsi|" +
	"kristiina|kyllikki|külli|laila|lauri|leena|leida|liisa|maarit|maie|marja|marjatta|marketta|markku|" +
	"marko|matti|meelis|merike|mihkel|mika|mikko|minna|mirja|niina|niko|noora|olli|onni|oskari|outi|" +
	"paavo|pasi|pauli|pekka|pentti|petri|petteri|pirjo|pirkko|priit|päivi|raija|raimo|reijo|riikka|" +
	"riitta|risto|ritva|sakari|sami|sanna|satu|seppo|siim|silja|sirkka|sirpa|soile|sointu|suvi|taina|" +
	"tapani|tapio|tarja|teemu|terhi|tiina|timo|toomas|triin|tuija|tuomas|tuomo|tuula|tuulikki|tõnis|tõnu|" +
	"urmas|vappu|veikko|vello|vesa|viive|ville|virpi|väinö|ülle|" +
	// Polish, Czech, Slovak.
	"adéla|agata|agnieszka|aleksandra|alena|aleš|alicja|alžběta|andrzej|aneta|anežka|aniela|antoni|" +
	"antonín|arkadiusz|artur|bartosz|bartłomiej|beata|bedřich|blanka|bogdan|bogumiła|bogusław|bohumil|" +
	"bohuslav|bożena|božena|branislav|bronisław|břetislav|cezary|czesław|dagmara|daniela|danuta|dariusz|" +
	"dawid|dominik|dorota|drahomíra|dušan|edyta|eliška|elżbieta|ewa|ewelina|filip|franciszek|františek|" +
	"gabriela|grażyna|grzegorz|halina|hana|helena|henryk|igor|irena|ivana|iwona|izabela|jacek|jadwiga|" +
	"jakub|janina|janusz|jarmila|jaroslav|jarosław|jerzy|jindřich|jitka|jiří|jolanta|josef|juraj|justyna|" +
	"józef|kacper|kamil|kamila|karol|karolina|katarzyna|katarína|kateřina|kazimierz|kinga|klára|kristýna|" +
	"krystyna|krzysztof|ladislav|lenka|leszek|libor|libuše|lucie|lucyna|ludmila|lukáš|maciej|marcela|" +
	"marcin|marek|mariusz|marián|markéta|marta|marzena|mateusz|matúš|matěj|małgorzata|michał|mieczysław|" +
	"mikołaj|milan|miloslav|miloš|miroslav|miroslava|mirosław|naděžda|natalia|nikola|oldřich|oliwia|" +
	"ondřej|patrycja|paulina|pavel|pavla|paweł|petr|piotr|przemysław|radek|radka|radomír|radosław|rafał|" +
	"renata|romana|ryszard|róbert|růžena|soňa|stanislav|stanislava|stanisław|svatopluk|sylwia|szymon|" +
	"sławomir|tadeusz|tereza|tomasz|tomáš|urszula|vladimír|vlasta|vojtěch|václav|věra|wacław|waldemar|" +
	"weronika|wiesław|wiesława|wiktor|wiktoria|witold|wojciech|władysław|włodzimierz|zbigniew|zdeněk|" +
	"zdeňka|zdzisław|zenon|zlatica|zofia|zuzana|zuzanna|zygmunt|ľubica|ľubomír|ľudovít|łukasz|štefan|" +
	"štěpán|šárka|" +
	// Hungarian.
	"andrás|anikó|antal|attila|balázs|bence|benedek|bernadett|boglárka|botond|bálint|béla|csaba|csanád|" +
	"csilla|dezső|dániel|dénes|dóra|enikő|ernő|erzsébet|eszter|etelka|ferenc|flóra|gergely|gergő|gizella|" +
	"gyula|gyöngyi|gyöngyvér|györgy|gábor|géza|hajnalka|ibolya|ildikó|ilona|imre|irén|istván|jenő|jolán|" +
	"judit|julianna|jános|józsef|katalin|kornélia|kristóf|krisztina|krisztián|kálmán|károly|lajos|" +
	"levente|lilla|lászló|lőrinc|magdolna|mihály|miklós|mária|márk|márta|márton|mátyás|nikolett|noémi|" +
	"nándor|orsolya|ottó|piroska|pál|péter|rozsa|rozália|réka|szabina|szabolcs|szilvia|szilárd|sándor|" +
	"tamás|tibor|titanilla|tímea|tünde|valéria|viktória|vilma|zita|zoltán|zsolt|zsuzsa|zsuzsanna|zsófia|" +
	"ádám|ágnes|ágota|árpád|" +
	// Slovenian, Croatian, Serbian, Bosnian, Macedonian, Bulgarian, Albanian, Romanian.
	"admir|adnan|aleksandar|alen|alenka|alexandru|alina|almir|amela|amra|andreea|andrej|anica|anton|" +
	"arben|belma|besnik|blerta|bojan|bojana|boris|borut|boštjan|božidar|branka|branko|catalin|cristian|" +
	"cristina|cătălin|damjan|darko|davor|dejan|dimitar|dorin|dragan|dragica|dragutin|dritan|dubravka|" +
	"dušanka|dženan|edin|edona|elvir|emina|enes|fatmir|genc|georgi|gheorghe|goran|gordana|haris|hristo|" +
	"hrvoje|ilir|ioan|ioana|ionut|iulia|ivanka|ivica|ivo|jadranka|janez|janja|jasmin|jasmina|jasna|" +
	"jelena|jeton|jože|jožef|kenan|krasimir|ksenija|kushtrim|ledion|lejla|ljiljana|ljubica|luka|lyubomir|" +
	"maja|marija|marjan|marjeta|matej|matjaž|mihaela|mihai|milena|milica|mimoza|miodrag|mircea|mirjana|" +
	"mirko|mirza|mladen|nataša|nebojša|nedeljko|nenad|nermin|nevenka|nicoleta|nihad|nikolai|ognjen|" +
	"ovidiu|petar|plamen|predrag|primož|radovan|radu|raluca|ranko|rok|rumen|samir|sanja|saša|sead|selma|" +
	"senad|slavko|slobodan|snežana|sorin|spomenka|srđan|stanko|stefania|stevan|stoyan|svetla|svetlana|" +
	"tanja|tarik|tatjana|teodora|tihomir|todor|tomislav|uroš|urška|valbona|valentin|valentina|vasil|" +
	"vasile|vedran|vesna|viorel|viorica|vladimir|vlado|vojislav|yordan|zdravko|zlatan|zlatko|zoran|" +
	"zornitsa|zvonimir|željko|živko|" +
	// Russian, Ukrainian, Belarusian, Caucasus, Central Asia.
	"afanasy|ahmed|aigerim|akhmed|akim|aleksei|alexei|alexey|aliya|alla|anastasia|anatoliy|anatoly|" +
	"andrei|andrey|arkady|arseny|artem|artyom|askar|aslan|aybek|bakhyt|bislan|bogdana|bohdan|daria|darya|" +
	"dauren|denis|dmitri|dmitry|dmytro|dzhabrail|egor|ekaterina|elizaveta|evgenia|evgeny|fedor|fyodor|" +
	"galina|gennady|georgy|gleb|grigory|gulnara|halyna|ilya|inna|irina|khadizhat|khasan|kirill|" +
	"konstantin|ksenia|larisa|leonid|lesya|lidia|lyudmila|magomed|makar|mikhail|murad|mykhailo|mykola|" +
	"nadezhda|natalya|nikita|nikolay|nursultan|oksana|oleg|oleksandr|oleksiy|olena|olesya|petro|polina|" +
	"ramzan|roksolana|ruslan|rustam|saule|semyon|sergei|sergey|serhiy|shamil|taisiya|taras|tatiana|" +
	"tatyana|timofei|timur|valery|vasily|vasyl|viktor|vitaly|vladislav|volodymyr|vsevolod|vyacheslav|" +
	"yakov|yaroslav|yaryna|yegor|yelena|yerlan|yevgeny|yulia|yuri|yuriy|yury|zakhar|zaur|zelimkhan|" +
	"zhanna|zinaida|zoya|" +
	// Greek, Cypriot.
	"achilleas|adamantia|agapi|aggeliki|alexandros|anastasios|angeliki|antonios|apostolos|athanasios|" +
	"charalambos|christos|chrysanthi|despina|dimitra|dimitrios|eleftheria|eleftherios|eleni|emmanouil|" +
	"evangelia|evangelos|fotini|georgios|giannis|grigorios|ioanna|ioannis|kalliopi|konstantinos|kostas|" +
	"kyriakos|loukas|marios|michail|nikolaos|nikos|panagiota|panagiotis|paraskevi|pavlos|petros|sofia|" +
	"sotirios|spyridon|spyros|stavros|stelios|stylianos|theodoros|vasileios|vasiliki|xanthi|yiannis|" +
	// Italian.
	"agostino|alberto|alessandra|alessandro|alessia|alfredo|angelo|antonella|antonietta|arianna|" +
	"benedetta|bruno|carlo|carmela|carmelo|caterina|cesare|chiara|claudio|concetta|corrado|daniele|dario|" +
	"davide|domenico|donatella|edoardo|elisabetta|emanuele|enrico|enzo|fabio|fabrizio|federica|federico|" +
	"filippo|flavio|francesco|franco|gaetano|giacomo|gianluca|gianni|gino|giorgia|giorgio|giovanna|" +
	"girolamo|giulia|giuliana|giuliano|giulio|giuseppe|giuseppina|graziella|guido|ilaria|leonardo|" +
	"letizia|lorenzo|luca|lucia|luciana|luciano|luigi|luisa|manuela|marcello|margherita|mariangela|" +
	"massimo|matteo|maurizio|michela|nicola|nicoletta|paola|paolo|patrizia|piero|pietro|raffaele|" +
	"raffaella|renato|riccardo|rocco|rosalba|rosanna|rosaria|salvatore|samuele|serena|silvana|silvia|" +
	"simona|stefano|tiziana|tommaso|umberto|valerio|vincenzo|vittoria|vittorio|" +
	// French, Belgian, Swiss French, Quebec.
	"adrien|adèle|agnès|alain|albane|amélie|anaïs|andré|anne-laure|anne-sophie|annick|antoine|arnaud|" +
	"aurélie|aurélien|baptiste|bastien|benoît|bertrand|capucine|chantal|christelle|christophe|clémence|" +
	"clément|colette|corentin|céline|damien|delphine|didier|emmanuelle|fabien|fabienne|françois|" +
	"françoise|frédéric|frédérique|gaspard|gaëlle|geneviève|georges|gilles|guillaume|gérard|henri|hervé|" +
	"hugues|hélène|isabelle|jacques|jean-claude|jean-françois|jean-luc|jean-marc|jean-marie|jean-paul|" +
	"jean-pierre|josette|josiane|joël|julien|juliette|jérémie|jérôme|laetitia|laurent|loïc|lucienne|léa|" +
	"léon|madeleine|manon|marcel|margaux|marie-claude|marie-france|marie-josé|marius|martine|mathieu|" +
	"maxime|michel|micheline|mireille|monique|nathalie|noémie|odette|olivier|pascal|pascale|philippe|" +
	"pierre|renée|romain|régis|rémi|sandrine|solange|stéphane|stéphanie|sylvain|sylvie|sébastien|" +
	"thibault|thierry|valérie|virginie|véronique|yann|yannick|yves|zoé|édouard|élise|éloïse|émilie|éric|" +
	"étienne|" +
	// Spanish, Latin American.
	"adolfo|agapito|agustina|agustín|alba|alejandra|alejandro|alfonso|amparo|ana|anacleto|andrés|araceli|" +
	"aurelio|bartolomé|beatriz|benito|blanca|calixto|carlota|catalina|cayetana|ceferino|celia|cipriano|" +
	"clemente|concepción|consuelo|cristóbal|custodio|dionisio|eloy|encarnación|epifanio|esperanza|" +
	"esteban|eugenia|eulalia|eusebio|fausto|felipe|fermín|florencia|florentino|fulgencio|gonzalo|" +
	"graciela|gregorio|guadalupe|guillermo|gustavo|heriberto|hernán|higinio|hilario|héctor|ignacio|" +
	"inmaculada|inocencio|inés|isidro|jacinto|jacobo|jesús|joaquín|josefa|josé|juana|julián|leandro|" +
	"leocadia|lorena|lucía|macarena|marcelo|marcial|marcos|mariana|mariano|marisol|martín|maría|mateo|" +
	"matías|maximino|mercedes|milagros|montserrat|mónica|nazario|nemesio|nicolás|nuria|octavio|paloma|" +
	"pancracio|patricio|pilar|prudencio|purificación|ramiro|ramón|raquel|remedios|remigio|rocío|rodrigo|" +
	"rosario|rufino|saturnino|sebastián|serafín|severino|soledad|susana|tadeo|teodoro|teófilo|tomás|" +
	"ulises|valentín|valeriano|vicente|víctor|wenceslao|zacarías|álvaro|ángel|ángela|" +
	// Portuguese, Brazilian.
	"adriano|afonso|alexandre|andréa|antônio|augusto|benedita|bruna|caio|cecília|cláudia|" +
	"conceição|creuza|cristiano|cássio|diogo|débora|edson|eduarda|eliane|fabiana|fabrício|fernanda|" +
	"flávia|francisca|genival|gilberto|giovana|gonçalo|guilherme|heitor|henrique|irani|isabela|ivone|" +
	"joana|joão|jurema|larissa|letícia|lindomar|luiz|luís|luíza|lúcia|marinalva|matheus|maurício|murilo|" +
	"márcia|mário|natália|otávio|patrícia|paulo|rafaela|raimundo|rogério|rosângela|sebastião|sérgio|" +
	"sônia|thiago|tiago|vinícius|vitória|wagner|yasmin|" +
	// Turkish, Arabic, Persian, Kurdish.
	"abdul|abdullah|ahmad|ahmet|aisha|amina|amira|arash|aylin|ayman|ayşe|berk|bilal|burak|cem|cemal|" +
	"dariush|deniz|elif|emine|emre|esra|fadi|farhad|farid|fatih|fatima|fatma|fereshteh|gökhan|hadi|hakan|" +
	"hamza|hasan|hassan|hatice|hussein|hülya|hüseyin|ibrahim|imran|ismail|jamil|karim|kaveh|kemal|" +
	"khadija|khaled|khalid|leyla|mahmoud|mahsa|mariam|maryam|mehdi|mehmet|melek|meryem|mohamed|mohammed|" +
	"mona|mostafa|muhammad|murat|mustafa|nabil|nasrin|nasser|nour|nur|omar|onur|orhan|osman|parisa|rania|" +
	"rashid|recep|reza|salma|selin|serkan|sevgi|shirin|soraya|tariq|tuncay|walid|yousef|youssef|yusuf|" +
	"zainab|zeynep|ziad|özlem|" +
	// Hebrew.
	"ariel|avi|avraham|eliyahu|hadas|itzhak|moshe|noa|ofer|rivka|shlomo|tamar|yael|yehuda|yitzhak|yosef|" +
	"ziva|" +
	// Indian, Pakistani, Bangladeshi, Sri Lankan, Nepali.
	"aarav|abhishek|aditi|aditya|ajay|akash|amit|anand|anil|anjali|ankit|arjun|arun|ashok|deepak|deepika|" +
	"dinesh|divya|gaurav|harish|kavita|kiran|krishna|lakshmi|manish|manoj|meena|mohan|nikhil|nisha|pooja|" +
	"pradeep|prakash|pranav|preeti|priyanka|rahul|rajesh|rajiv|rakesh|ramesh|ravi|rohit|sanjay|santosh|" +
	"sarita|shreya|sneha|sunil|sunita|suresh|swati|vijay|vikram|vinod|vivek|yash|" +
	// Chinese (pinyin given names), Japanese, Korean, Vietnamese, Thai, Filipino, Indonesian.
	"akifumi|akiko|akira|anh|asuka|ayaka|ayumi|binh|budi|chie|chiyo|chul|daiki|daisuke|dewi|dong-hyun|" +
	"duc|emi|eri|eun-ji|fumiko|haruka|haruki|haruto|hideki|hideo|hikaru|hina|hinata|hiroko|hiroshi|" +
	"hiroto|hitomi|hoa|huong|hye-jin|ichiro|ji-hoon|ji-woo|jiahui|jian|jin|jing|jiro|junko|kaito|kaori|" +
	"kaoru|katsumi|kazuki|kazuo|keiko|kenji|kenta|khanh|kiyoshi|koji|kyoko|lan|lihua|linh|makoto|malee|" +
	"mami|maricel|mariko|masaki|masako|masaru|masato|mayumi|megumi|mei|michiko|min-jun|ming|minh|minoru|" +
	"misaki|mitsuki|miyu|momoko|naoki|naoto|nga|ngoc|noriko|osamu|phuong|putri|qiang|quang|rei|ren|riko|" +
	"rin|rizal|ryo|ryota|sakura|satoshi|sayaka|seo-yeon|shigeru|shinji|shota|siriporn|siti|somchai|" +
	"somsak|soo-jin|sora|sota|sung-min|takashi|takumi|takuya|tetsuya|thanh|thao|tomoko|tomomi|trang|" +
	"tsubasa|tuan|wahyu|wei|xiaoming|xin|xiu|yan|yoko|yong|yoshiko|yoshio|young-ho|yui|yuka|yuki|yuko|" +
	"yumi|yusuke|yuto|zhiwei|" +
	// African.
	"abebe|adaeze|adebayo|adewale|akosua|amara|ayodele|babajide|chiamaka|chidi|chidinma|chinedu|chinonso|" +
	"chukwuemeka|emeka|folake|funmilayo|ifeoma|ikechukwu|kofi|kwabena|kwame|kwesi|mandla|musa|ngozi|" +
	"nkechi|nnamdi|obinna|oluwaseun|segun|sipho|tendai|thabo|themba|tunde|uchenna|zanele"
