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
