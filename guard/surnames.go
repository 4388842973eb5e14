package guard

// surnames are common family names across cultures (the US Census
// surname list, and the most frequent family names of the countries whose
// people write to US agencies), from general knowledge. Surnames that are
// English words (Smith, Brown, Baker, Park) or places (York, Houston,
// Lima) are left out: alone they are too often the word or the place. A
// surname after a given name is read by the given name's rule whether
// listed or not.
const surnames = "" +
	// US Census, most frequent (words, colours, trades and places left out).
	"abbott|acosta|adams|aguilar|aguirre|alexander|allen|alvarado|alvarez|andersen|anderson|andrade|" +
	"andrews|arnold|atkins|avila|ayala|barajas|barnes|barnett|barrera|barrett|beasley|becker|" +
	"benitez|bennett|benson|blackwell|blair|boone|bowen|boyd|bradley|brady|brennan|briggs|bryant|" +
	"buchanan|burgess|burke|burton|byrd|caldwell|calhoun|camacho|campbell|cardenas|carlson|carr|carrillo|" +
	"carroll|carson|carter|castaneda|castillo|castro|cervantes|chang|chavez|christensen|cisneros|clark|" +
	"clarke|cobb|cochran|coffey|cohen|cole|coleman|collins|conner|conrad|contreras|conway|cooke|cortez|" +
	"costa|crawford|cruz|cuevas|cummings|cunningham|curtis|daniels|davidson|davies|davila|davis|dawson|" +
	"decker|delacruz|delgado|dennis|diaz|dickerson|dixon|dominguez|donovan|dorsey|doyle|duarte|duffy|" +
	"duncan|dunn|duran|eaton|edwards|elliott|ellis|espinoza|estrada|evans|faulkner|ferguson|fernandez|" +
	"figueroa|fitzgerald|fleming|flores|flynn|foley|franco|frazier|fuentes|gallagher|gallegos|galvan|" +
	"garcia|garrett|garza|gibbs|gibson|gilbert|gillespie|gomez|gonzales|gonzalez|goodman|goodwin|gordon|" +
	"graham|greer|gregory|griffith|guerra|guerrero|gutierrez|guzman|hahn|haley|hammond|hampton|" +
	"hancock|hansen|hanson|harmon|harper|harrington|harris|harrison|hartman|harvey|hawkins|hayes|haynes|" +
	"henderson|hendricks|henry|hensley|hernandez|herrera|higgins|hinton|hobbs|hodges|hoffman|" +
	"holloway|holmes|hopkins|horton|howard|howell|hubbard|huber|hudson|huffman|hughes|humphrey|" +
	"hurley|hutchinson|ibarra|ingram|jackson|jacobs|jacobson|james|jarvis|jenkins|jennings|jensen|" +
	"jimenez|johnson|johnston|jones|juarez|kaufman|keller|kelley|kelly|kennedy|kerr|kirby|klein|knowles|" +
	"koch|kramer|krueger|lambert|lara|larsen|larson|lawrence|lawson|leblanc|leon|leonard|lewis|lindsey|" +
	"livingston|lloyd|lopez|lowe|lozano|lucero|lyons|macdonald|mack|maddox|maldonado|malone|mann|" +
	"marquez|marshall|martinez|massey|mathews|mathis|maxwell|mcbride|mccall|mccarthy|mcclain|mccormick|" +
	"mccoy|mcdaniel|mcdonald|mcdowell|mcgee|mcguire|mckay|mckee|mckenzie|mckinney|mclaughlin|mcmahon|" +
	"mcpherson|medina|mejia|melendez|melton|mendez|mendoza|mercado|merritt|meyer|meyers|mitchell|molina|" +
	"montoya|moore|mora|morales|moran|moreno|morgan|morris|morrison|morton|mueller|mullins|" +
	"munoz|murillo|murphy|murray|myers|navarro|neal|nelson|newman|nguyen|nichols|nicholson|nielsen|nixon|" +
	"nolan|norman|norris|norton|obrien|ochoa|oconnor|odonnell|oliver|olsen|olson|oneal|oneill|orozco|" +
	"ortega|ortiz|osborne|owens|pacheco|padilla|palmer|parker|patel|patterson|payne|pearson|pena|" +
	"pennington|perez|perkins|perry|petersen|peterson|phelps|phillips|pittman|pollard|ponce|powell|pratt|" +
	"pruitt|pugh|quinn|ramirez|ramos|randall|rangel|rasmussen|reese|reid|reyes|reynolds|rhodes|" +
	"richards|richardson|riley|rios|rivas|rivera|robbins|roberson|roberts|robertson|robinson|" +
	"robles|rodgers|rodriguez|rojas|romero|rosales|rosario|ross|roth|rowe|ruiz|russell|salas|salazar|" +
	"sanchez|sandoval|santana|santiago|santos|saunders|schmidt|schneider|schroeder|schultz|schwartz|" +
	"scott|serrano|shaffer|shannon|shaw|shelton|simmons|simon|simpson|singh|skinner|sloan|snyder|solis|" +
	"sosa|soto|spencer|stafford|stanley|stephens|stephenson|stevens|stevenson|stewart|stuart|suarez|" +
	"sullivan|sutton|swanson|tate|taylor|thomas|thompson|thornton|todd|torres|townsend|tran|travis|" +
	"trevino|trujillo|tyler|valdez|valenzuela|vance|vargas|vasquez|vaughn|vazquez|vega|" +
	"velasquez|velazquez|villarreal|wagner|wallace|walsh|walters|walton|warner|watkins|watson|" +
	"webb|weber|webster|werner|whitaker|whitney|wiggins|wilcox|wiley|wilkerson|wilkins|wilkinson|" +
	"williams|williamson|willis|wilson|wolfe|wong|woodard|wu|wyatt|yang|zamora|zimmerman|" +
	// British, Irish, Scottish, Welsh.
	"ahern|ashworth|barlow|bevan|boyle|broadbent|byrne|cassidy|clegg|connolly|daly|dempsey|devlin|" +
	"docherty|doherty|donnelly|dowd|driscoll|dunne|egan|fagan|farrell|fennell|finnegan|fraser|gallacher|" +
	"gilmore|gough|greenwood|hargreaves|hendry|hennessy|hewitt|horgan|keane|kearney|keogh|kinsella|" +
	"macaulay|macintyre|mackay|mackenzie|maclean|macleod|maguire|mahoney|mcallister|mccann|mcgrath|" +
	"mcintosh|mckenna|mclean|mcnamara|mcneil|monaghan|moriarty|mulligan|murtagh|oconnell|osullivan|" +
	"pritchard|quigley|rafferty|redmond|rees|regan|ridley|sheridan|sweeney|thwaites|whelan|whitehead|" +
	"wilkes|yates|" +
	// German, Austrian, Swiss.
	"aigner|albrecht|bauer|baumann|berger|bergmann|brandt|braun|brunner|busch|böhm|dietrich|eder|egger|" +
	"engel|fischer|franke|friedrich|fuchs|graf|groß|gruber|günther|haas|hartmann|hauser|heinrich|" +
	"herrmann|hofer|hoffmann|hofmann|jung|jäger|kaiser|kraft|kraus|krause|krämer|krüger|kuhn|köhler|" +
	"könig|kühn|lang|lange|lechner|lehmann|leitner|lindner|lorenz|ludwig|maier|mayer|meier|moser|möller|" +
	"müller|neumann|otto|pfeiffer|pichler|pohl|richter|ritter|sauer|scharf|schmid|schmitt|schmitz|scholz|" +
	"schreiber|schröder|schubert|schulte|schulz|schulze|schumacher|schuster|schwarz|schäfer|seidel|" +
	"sommer|steiner|vogel|vogt|voigt|walter|weiss|weiß|wimmer|winkler|wolff|zeller|ziegler|zimmermann|" +
	// French, Belgian.
	"andré|aubert|barbier|bernard|bertrand|blanc|bouchard|boucher|boyer|brun|caron|chevalier|claes|colin|" +
	"david|declercq|denis|desmet|dubois|dufour|dumont|dupont|durand|fabre|faure|fontaine|fournier|" +
	"francois|gaillard|garnier|gauthier|gautier|gerard|girard|giraud|goossens|guerin|janssens|joly|" +
	"laurent|leclerc|lefebvre|lefèvre|legrand|lemaire|lemoine|leroux|leroy|lucas|maes|marchand|masson|" +
	"mathieu|mercier|mertens|meunier|michel|moreau|morel|muller|nicolas|peeters|perrin|petit|picard|" +
	"renard|renaud|robert|roche|rousseau|roussel|roux|vermeulen|verstraete|vincent|willems|wouters|" +
	// Italian.
	"barbieri|bellini|benedetti|bernardi|bianchi|bruno|caruso|cattaneo|cocco|colombo|conte|conti|coppola|" +
	"cristiani|d'amico|d'angelo|de angelis|de luca|de santis|donati|esposito|fabbri|ferrari|" +
	"ferraro|ferri|fiore|fontana|galli|gallo|giordano|grasso|greco|leone|lombardi|longo|mancini|" +
	"marchetti|mariani|marini|martinelli|mazza|monti|morelli|moretti|pagano|" +
	"palumbo|parisi|pellegrini|ricci|rinaldi|riva|rizzi|romano|rossi|russo|sala|sanna|santoro|sartori|" +
	"serra|silvestri|sorrentino|testa|valentini|vitale|" +
	// Spanish, Latin American.
	"alonso|arellano|benítez|blanco|bustamante|caballero|cabrera|calvo|campos|cano|carmona|carrasco|" +
	"cordero|cortés|crespo|diez|domínguez|durán|díaz|escobar|espinosa|esteban|fernández|ferrer|galindo|" +
	"gallardo|gallego|garcía|garrido|gil|giménez|gonzález|gutiérrez|gómez|hernández|hidalgo|ibáñez|" +
	"iglesias|jiménez|león|lorenzo|lugo|lópez|mamani|martín|martínez|marín|montero|montes|muñoz|márquez|" +
	"méndez|núñez|olivares|palacios|paredes|pascual|peña|pineda|prieto|pérez|quintero|quispe|ramírez|" +
	"rodríguez|rubio|salgado|sanz|soler|suárez|sáez|sánchez|tapia|valdés|varela|vidal|villanueva|vázquez|" +
	"zapata|álvarez|" +
	// Portuguese, Brazilian.
	"almeida|alves|araújo|azevedo|barbosa|barros|batista|borges|cardoso|carvalho|cavalcanti|correia|" +
	"cunha|dias|fernandes|ferreira|fonseca|freitas|gomes|guimarães|machado|magalhães|marques|melo|" +
	"mendes|miranda|monteiro|moreira|moura|nascimento|nogueira|nunes|oliveira|peixoto|pereira|pinheiro|" +
	"queiroz|ribeiro|rocha|rodrigues|sampaio|silva|siqueira|soares|sousa|souza|tavares|teixeira|vieira|" +
	"xavier|" +
	// Dutch.
	"bakker|bos|bosch|brouwer|de boer|de bruijn|de graaf|de groot|de haan|de jong|de vries|de wit|dekker|" +
	"dijkstra|hendriks|hoekstra|jansen|janssen|kok|koster|kuipers|meijer|mulder|postma|prins|schouten|" +
	"smits|timmermans|van beek|van dam|van den berg|van der meer|van dijk|van gijn|van leeuwen|van vliet|" +
	"verhoeven|visser|vos|" +
	// Nordic.
	"aalto|ahonen|andersson|anttila|axelsson|berglund|bergström|berthelsen|björk|björnsson|blom|dahl|" +
	"danielsson|ek|ekström|engström|eriksen|eriksson|frederiksen|fredriksson|gunnarsson|gustafsson|" +
	"guðmundsdóttir|guðmundsson|hagen|halvorsen|hansson|haugen|heikkinen|hämäläinen|isaksson|jacobsen|" +
	"jakobsen|johannessen|johansen|johansson|jonsson|jóhannsson|jónsdóttir|jónsson|jørgensen|karlsen|" +
	"karlsson|korhonen|koskinen|kristensen|kristiansen|kristjánsson|laine|laitinen|larsson|lehtonen|lind|" +
	"lindberg|lindgren|lindholm|lindqvist|lindström|lund|lundgren|lundqvist|madsen|magnússon|mikkelsen|" +
	"motzfeldt|mäkelä|mäkinen|møller|nieminen|nilsen|nilsson|nordin|nyberg|olsson|pedersen|persson|" +
	"poulsen|rosing|salminen|samuelsson|sigurðardóttir|sigurðsson|sjöberg|solberg|stefánsson|sundberg|" +
	"svensson|thomsen|virtanen|wallin|árnason|åberg|ólafsson|" +
	// Polish, Czech, Slovak.
	"adamczyk|balog|baláž|baran|bartoš|beneš|bąk|chmielewski|czarnecki|doležal|dudek|dušek|dvořák|" +
	"dąbrowski|fiala|gajewski|grabowski|górski|holub|horváth|horák|hruška|hudák|hájek|jabłoński|" +
	"jankowski|jasiński|jelínek|kaczmarek|kadlec|kamiński|kaźmierczak|kollár|kolář|konečný|kopecký|kováč|" +
	"kovář|kowalczyk|kowalski|kozłowski|kołodziej|krajewski|kratochvíl|krawczyk|král|król|kubiak|kučera|" +
	"kříž|lewandowski|lis|lukáč|majewski|makowski|malinowski|marek|mareš|mazur|michalski|molnár|moravec|" +
	"mróz|nagy|novotný|novák|nowak|nowakowski|nowicki|němec|olszewski|oravec|ostrowski|pawlak|pawłowski|" +
	"piotrowski|pokorný|polák|pospíšil|procházka|przybylski|rutkowski|růžička|sadowski|sedláček|sikora|" +
	"sobczak|stępień|svoboda|szabó|szczepański|szewczyk|szulc|szymański|tomaszewski|tóth|vacek|vaněk|" +
	"varga|veselý|vlček|walczak|wieczorek|wilk|witkowski|wiśniewski|wojciechowski|woźniak|wróbel|" +
	"wróblewski|wójcik|zając|zalewski|zawadzki|zeman|zieliński|čermák|černý|šimek|štěpánek|" +
	// Hungarian.
	"bakos|balogh|balázs|barta|bognár|boros|bíró|csonka|deák|dobos|farkas|fazekas|fehér|fekete|fodor|" +
	"fülöp|gulyás|gál|halász|hegedűs|jakab|juhász|katona|kelemen|kis|kocsis|kovács|kántor|lakatos|" +
	"lengyel|lukács|magyar|mészáros|nemes|németh|oláh|orbán|orosz|papp|pintér|pásztor|rácz|sipos|somogyi|" +
	"soós|szalai|szekeres|szűcs|sándor|takács|török|vass|vida|vincze|vörös|" +
	// South Slavic.
	"babić|bašić|blažević|bogdanović|božić|filipović|golob|grgić|hodžić|horvat|hribar|ilić|ivanović|" +
	"jovanović|jurić|kavčič|kaya|knežević|kolar|kos|kovač|kovačević|kovačič|krajnc|kralj|kuhar|lukić|" +
	"marić|marković|matić|mihajlović|milošević|mlakar|mlinar|nikolić|novak|pavlić|pavlović|perić|" +
	"petrović|popović|potočnik|radić|stojanović|tomić|turk|vidmar|vuković|zajc|zupan|đorđević|šarić|" +
	// Russian, Ukrainian, Caucasus.
	"abdullaev|alekseev|alexandrov|aliev|aliyev|andreev|antonov|baranov|belov|beridze|bogdanov|" +
	"bondarenko|borisov|boyko|chernov|davydov|dmitriev|egorov|fedorov|frolov|gasanov|gavrilov|gelashvili|" +
	"gerasimov|golubev|grigoryan|gusev|hakobyan|harutyunyan|hasanov|huseynov|ilyin|ivanov|ivanova|" +
	"kadyrov|kalinin|kapanadze|karpov|kiselev|komarov|kondratiev|korolev|kovalenko|kovalev|kozlov|" +
	"kravchenko|krylov|kuzmin|kuznetsov|lebedev|lysenko|maisuradze|makarov|mammadov|marchenko|medvedev|" +
	"melnikov|melnyk|mikhailov|moroz|morozov|nazarbayev|nikitin|nikolaev|novikov|oliynyk|orlov|pavlov|" +
	"petrosyan|petrov|petrova|polyakov|popov|romanov|rudenko|sargsyan|savchenko|semenov|sergeev|" +
	"shevchenko|smirnov|smirnova|sokolova|solovyov|stepanov|tarasov|tkachenko|tsereteli|usmanov|vasiliev|" +
	"vinogradov|volkov|vorobiev|yakovlev|yegorov|yusupov|zaitsev|zakharov|" +
	// Greek.
	"alexiou|anagnostou|antoniou|athanasiou|charalambous|christodoulou|constantinou|dimitriou|economou|" +
	"georgiou|hadjigeorgiou|ioannou|karagiannis|kyriakou|lambrou|makris|michael|nikolaou|oikonomou|" +
	"panagiotou|papadakis|papadopoulos|papageorgiou|papanikolaou|pappas|petrou|sotiriou|stavrou|" +
	"theodorou|vlachos|" +
	// Turkish, Arabic, Persian, South Asian.
	"abbas|abdullah|agarwal|ahmadi|ahmed|akhtar|aksoy|al-sayed|arslan|aydin|aydın|aziz|banerjee|bhatt|" +
	"chatterjee|chaudhary|chowdhury|das|demir|desai|doğan|erdoğan|ghosh|gupta|güneş|haddad|hamdan|hassan|" +
	"hossain|hosseini|hussain|ibrahim|islam|ismail|iyer|jaber|jain|joshi|kapoor|kara|karimi|khalil|koç|" +
	"kumar|kurt|mahmoud|malik|mansour|mehta|menon|mishra|mohammadi|moradi|mostafa|mukherjee|nair|nasser|" +
	"pandey|patil|qureshi|rahimi|rahman|rao|reddy|rezaei|saleh|salem|sayed|sharma|siddiqui|sinha|" +
	"srivastava|trivedi|verma|yadav|yıldırım|yıldız|yılmaz|çelik|özdemir|öztürk|şahin|" +
	// East and Southeast Asian.
	"abe|aoki|aquino|bae|bautista|bui|cao|chen|cheng|cho|choi|dang|dela cruz|deng|dong|du|duong|endo|" +
	"feng|fujii|fujita|fujiwara|gao|goto|gunawan|guo|han|hasegawa|hashimoto|hayashi|hoang|hu|huang|huynh|" +
	"hwang|ikeda|inoue|ishii|ishikawa|ito|jang|jeon|jeong|jiang|jin|kang|kato|kikuchi|kim|kimura|" +
	"kobayashi|kondo|kong|kwon|le|liang|lim|lin|liu|lu|luo|matsuda|matsumoto|mori|murakami|nakagawa|" +
	"nakajima|nakamura|nakano|ngo|nishimura|ocampo|ogawa|okada|ono|ota|peng|pham|phan|ryu|saito|sakamoto|" +
	"santoso|sasaki|sato|seo|shen|shimizu|suzuki|takahashi|takeda|tanaka|tian|truong|ueda|vo|vu|wang|" +
	"watanabe|wei|wijaya|xiao|xie|xu|xue|yamada|yamaguchi|yamamoto|yamashita|yan|yoo|yoon|yoshida|yu|" +
	"yuan|zeng|zhang|zhao|zheng|zhou|zhu|" +
	// African.
	"abubakar|adebayo|adeyemi|afolabi|akande|appiah|asante|babatunde|bello|boateng|botha|chukwu|coetzee|" +
	"diallo|dlamini|du plessis|eze|fourie|kamara|keita|khumalo|mahlangu|mensah|mokoena|moyo|mwangi|ncube|" +
	"ndlovu|nel|nkosi|nwosu|obi|odhiambo|okafor|okeke|okonkwo|oluwole|otieno|owusu|pretorius|sithole|" +
	"traoré|van der merwe|venter|zulu"
