//! Every WhatsApp message AuroMart sends, in one place: the templates as they are
//! submitted to Meta for approval (name, category, language, header, body with
//! `{{n}}` parameters, quick-reply buttons) in English, Hindi and Marathi, and the
//! free-text replies sent inside the 24-hour window. The template catalogue in
//! this folder's README.md is generated from this table (a test keeps the two equal).

use crate::domain::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Category {
    /// Order alerts, invoices, statements: sent whatever the user's marketing choice.
    Utility,
    /// Broadcasts: only to users who have not opted out.
    Marketing,
    /// One-time codes (Meta's fixed wording for codes; never marketing).
    Authentication,
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Utility => "UTILITY",
            Category::Marketing => "MARKETING",
            Category::Authentication => "AUTHENTICATION",
        }
    }
}

/// How a parameter's stored value becomes text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Text,
    /// Stored as integer paise, shown as ₹1,23,456.00.
    Money,
}

#[derive(Debug, Clone, Copy)]
pub struct Param {
    /// The field of the outbox row's parameter object.
    pub field: &'static str,
    pub kind: ParamKind,
    /// The example value shown to Meta's reviewers.
    pub example: &'static str,
}

/// Text in the three languages AuroMart users choose from.
#[derive(Debug, Clone, Copy)]
pub struct Tr {
    pub en: &'static str,
    pub hi: &'static str,
    pub mr: &'static str,
}

impl Tr {
    pub fn get(&self, lang: Language) -> &'static str {
        match lang {
            Language::En => self.en,
            Language::Hi => self.hi,
            Language::Mr => self.mr,
        }
    }
}

/// A quick-reply button: the payload suffix the webhook hands back, and its title.
#[derive(Debug, Clone, Copy)]
pub struct Button {
    pub action: &'static str,
    pub title: Tr,
}

#[derive(Debug, Clone, Copy)]
pub struct Template {
    pub name: &'static str,
    pub category: Category,
    /// The message carries a PDF (invoice, credit note, statement) as its header.
    pub document: bool,
    pub params: &'static [Param],
    pub body: Tr,
    pub buttons: &'static [Button],
}

const fn p(field: &'static str, example: &'static str) -> Param {
    Param {
        field,
        kind: ParamKind::Text,
        example,
    }
}

const fn money(field: &'static str, example: &'static str) -> Param {
    Param {
        field,
        kind: ParamKind::Money,
        example,
    }
}

const ORDER: Param = p("order", "1042");
const RETAILER: Param = p("retailer", "Sai Kirana Stores");
const DISTRIBUTOR: Param = p("distributor", "Shree Ganesh Traders");
const ITEMS: Param = p("items", "Parle-G 800 g × 10, Tata Salt 1 kg × 24 +3");
const TOTAL: Param = money("total_paise", "₹4,315.00");

const ACCEPT_DELIVER: Button = Button {
    action: "accept_deliver",
    title: Tr {
        en: "Accept & deliver",
        hi: "स्वीकार, डिलीवरी",
        mr: "स्वीकार, डिलिव्हरी",
    },
};
const ACCEPT_PICKUP: Button = Button {
    action: "accept_pickup",
    title: Tr {
        en: "Accept – pickup",
        hi: "स्वीकार, पिकअप",
        mr: "स्वीकार, पिकअप",
    },
};
const REJECT: Button = Button {
    action: "reject",
    title: Tr {
        en: "Reject",
        hi: "अस्वीकार",
        mr: "नाकारा",
    },
};

pub const TEMPLATES: &[Template] = &[
    Template {
        name: "order_placed",
        category: Category::Utility,
        document: false,
        params: &[RETAILER, ORDER, ITEMS, TOTAL],
        body: Tr {
            en: "New order from {{1}}.\nOrder #{{2}}: {{3}}.\nTotal {{4}}.\nTap a button to answer, or open AuroMart.",
            hi: "{{1}} से नया ऑर्डर।\nऑर्डर #{{2}}: {{3}}।\nकुल {{4}}।\nजवाब देने के लिए बटन दबाएँ या AuroMart खोलें।",
            mr: "{{1}} कडून नवीन ऑर्डर.\nऑर्डर #{{2}}: {{3}}.\nएकूण {{4}}.\nउत्तर देण्यासाठी बटण दाबा किंवा AuroMart उघडा.",
        },
        buttons: &[ACCEPT_DELIVER, ACCEPT_PICKUP, REJECT],
    },
    Template {
        // A shop outside the distributor's delivery pincodes ordered to collect
        // from its pickup point: "Accept & deliver" would only be refused.
        name: "order_placed_pickup",
        category: Category::Utility,
        document: false,
        params: &[RETAILER, ORDER, ITEMS, TOTAL],
        body: Tr {
            en: "New pickup order from {{1}} (outside your delivery area: the shop will collect it).\nOrder #{{2}}: {{3}}.\nTotal {{4}}.\nTap a button to answer, or open AuroMart.",
            hi: "{{1}} से नया पिकअप ऑर्डर (आपके डिलीवरी क्षेत्र से बाहर: दुकानदार खुद ले जाएँगे)।\nऑर्डर #{{2}}: {{3}}।\nकुल {{4}}।\nजवाब देने के लिए बटन दबाएँ या AuroMart खोलें।",
            mr: "{{1}} कडून नवीन पिकअप ऑर्डर (तुमच्या डिलिव्हरी क्षेत्राबाहेर: दुकानदार स्वतः घेऊन जातील).\nऑर्डर #{{2}}: {{3}}.\nएकूण {{4}}.\nउत्तर देण्यासाठी बटण दाबा किंवा AuroMart उघडा.",
        },
        buttons: &[ACCEPT_PICKUP, REJECT],
    },
    Template {
        // Placed past the shop's credit limit: waits for the distributor's approval.
        name: "order_held_limit",
        category: Category::Utility,
        document: false,
        params: &[
            RETAILER,
            ORDER,
            TOTAL,
            money("exposure_paise", "₹62,400.00"),
            money("limit_paise", "₹50,000.00"),
        ],
        body: Tr {
            en: "Order #{{2}} from {{1}} ({{3}}) is held for your approval: with it the shop would owe {{4}}, over its credit limit of {{5}}.\nOpen AuroMart to approve it once or raise the limit, or reject it.",
            hi: "{{1}} का ऑर्डर #{{2}} ({{3}}) आपकी मंज़ूरी के लिए रुका है: इसके साथ दुकान का बकाया {{4}} होगा, जो उसकी क्रेडिट सीमा {{5}} से ज़्यादा है।\nएक बार मंज़ूरी देने या सीमा बढ़ाने के लिए AuroMart खोलें, या इसे अस्वीकार करें।",
            mr: "{{1}} ची ऑर्डर #{{2}} ({{3}}) तुमच्या मंजुरीसाठी थांबवली आहे: तिच्यासह दुकानाची बाकी {{4}} होईल, जी त्याच्या क्रेडिट मर्यादेपेक्षा ({{5}}) जास्त आहे.\nएकदा मंजुरी देण्यासाठी किंवा मर्यादा वाढवण्यासाठी AuroMart उघडा, किंवा ती नाकारा.",
        },
        buttons: &[REJECT],
    },
    Template {
        // Placed by a shop with dues long overdue: waits for the distributor's approval.
        name: "order_held_overdue",
        category: Category::Utility,
        document: false,
        params: &[
            RETAILER,
            ORDER,
            TOTAL,
            money("overdue_paise", "₹18,250.00"),
            p("days", "45"),
        ],
        body: Tr {
            en: "Order #{{2}} from {{1}} ({{3}}) is held for your approval: {{4}} is overdue, the oldest by {{5}} days.\nOpen AuroMart to approve it once, or reject it.",
            hi: "{{1}} का ऑर्डर #{{2}} ({{3}}) आपकी मंज़ूरी के लिए रुका है: {{4}} की देय तारीख निकल चुकी है, सबसे पुराना {{5}} दिन से।\nएक बार मंज़ूरी देने के लिए AuroMart खोलें, या इसे अस्वीकार करें।",
            mr: "{{1}} ची ऑर्डर #{{2}} ({{3}}) तुमच्या मंजुरीसाठी थांबवली आहे: {{4}} ची मुदत उलटली आहे, सर्वात जुनी {{5}} दिवसांपासून.\nएकदा मंजुरी देण्यासाठी AuroMart उघडा, किंवा ती नाकारा.",
        },
        buttons: &[REJECT],
    },
    Template {
        name: "order_accepted_delivery",
        category: Category::Utility,
        document: false,
        params: &[DISTRIBUTOR, ORDER, TOTAL],
        body: Tr {
            en: "{{1}} accepted your order #{{2}} ({{3}}) and will deliver it to your shop.",
            hi: "{{1}} ने आपका ऑर्डर #{{2}} ({{3}}) स्वीकार किया है और आपकी दुकान पर पहुँचाएँगे।",
            mr: "{{1}} यांनी तुमची ऑर्डर #{{2}} ({{3}}) स्वीकारली आहे आणि ते तुमच्या दुकानात पोहोचवतील.",
        },
        buttons: &[],
    },
    Template {
        name: "order_accepted_pickup",
        category: Category::Utility,
        document: false,
        params: &[
            DISTRIBUTOR,
            ORDER,
            TOTAL,
            p("pickup", "Shop 4, Market Yard, Pune; 9 am–7 pm"),
        ],
        body: Tr {
            en: "{{1}} accepted your order #{{2}} ({{3}}). Please pick it up from: {{4}}.",
            hi: "{{1}} ने आपका ऑर्डर #{{2}} ({{3}}) स्वीकार किया है। कृपया यहाँ से ले जाएँ: {{4}}।",
            mr: "{{1}} यांनी तुमची ऑर्डर #{{2}} ({{3}}) स्वीकारली आहे. कृपया येथून घेऊन जा: {{4}}.",
        },
        buttons: &[],
    },
    Template {
        name: "order_rejected",
        category: Category::Utility,
        document: false,
        params: &[DISTRIBUTOR, ORDER, p("reason", "Items out of stock")],
        body: Tr {
            en: "{{1}} could not take your order #{{2}}. Reason: {{3}}. You can order from another distributor in AuroMart.",
            hi: "{{1}} आपका ऑर्डर #{{2}} नहीं ले सके। कारण: {{3}}। आप AuroMart में किसी दूसरे वितरक से ऑर्डर कर सकते हैं।",
            mr: "{{1}} तुमची ऑर्डर #{{2}} घेऊ शकले नाहीत. कारण: {{3}}. तुम्ही AuroMart मध्ये दुसऱ्या वितरकाकडून ऑर्डर करू शकता.",
        },
        buttons: &[],
    },
    Template {
        name: "order_packed",
        category: Category::Utility,
        document: false,
        params: &[DISTRIBUTOR, ORDER],
        body: Tr {
            en: "Your order #{{2}} from {{1}} is packed.",
            hi: "{{1}} से आपका ऑर्डर #{{2}} पैक हो गया है।",
            mr: "{{1}} कडून तुमची ऑर्डर #{{2}} पॅक झाली आहे.",
        },
        buttons: &[],
    },
    Template {
        name: "order_out_for_delivery",
        category: Category::Utility,
        document: false,
        params: &[DISTRIBUTOR, ORDER],
        body: Tr {
            en: "Your order #{{2}} from {{1}} is out for delivery.",
            hi: "{{1}} से आपका ऑर्डर #{{2}} डिलीवरी के लिए निकल चुका है।",
            mr: "{{1}} कडून तुमची ऑर्डर #{{2}} डिलिव्हरीसाठी निघाली आहे.",
        },
        buttons: &[],
    },
    Template {
        name: "order_ready_for_pickup",
        category: Category::Utility,
        document: false,
        params: &[
            DISTRIBUTOR,
            ORDER,
            p("pickup", "Shop 4, Market Yard, Pune; 9 am–7 pm"),
        ],
        body: Tr {
            en: "Your order #{{2}} from {{1}} is ready for pickup at: {{3}}.",
            hi: "{{1}} से आपका ऑर्डर #{{2}} तैयार है, यहाँ से ले जाएँ: {{3}}।",
            mr: "{{1}} कडून तुमची ऑर्डर #{{2}} तयार आहे, येथून घेऊन जा: {{3}}.",
        },
        buttons: &[],
    },
    Template {
        name: "order_delivered",
        category: Category::Utility,
        document: false,
        params: &[DISTRIBUTOR, ORDER],
        body: Tr {
            en: "Your order #{{2}} from {{1}} has been delivered. Thank you!",
            hi: "{{1}} से आपका ऑर्डर #{{2}} पहुँचा दिया गया है। धन्यवाद!",
            mr: "{{1}} कडून तुमची ऑर्डर #{{2}} पोहोचवली आहे. धन्यवाद!",
        },
        buttons: &[],
    },
    Template {
        name: "order_picked_up",
        category: Category::Utility,
        document: false,
        params: &[DISTRIBUTOR, ORDER],
        body: Tr {
            en: "You picked up order #{{2}} from {{1}}. Thank you!",
            hi: "आपने {{1}} से ऑर्डर #{{2}} ले लिया है। धन्यवाद!",
            mr: "तुम्ही {{1}} कडून ऑर्डर #{{2}} घेतली आहे. धन्यवाद!",
        },
        buttons: &[],
    },
    Template {
        name: "order_cancelled",
        category: Category::Utility,
        document: false,
        params: &[
            ORDER,
            RETAILER,
            DISTRIBUTOR,
            p("reason", "Shop closed today"),
        ],
        body: Tr {
            en: "Order #{{1}} ({{2}} from {{3}}) was cancelled. Reason: {{4}}.",
            hi: "ऑर्डर #{{1}} ({{2}}, {{3}} से) रद्द कर दिया गया। कारण: {{4}}।",
            mr: "ऑर्डर #{{1}} ({{2}}, {{3}} कडून) रद्द केली. कारण: {{4}}.",
        },
        buttons: &[],
    },
    Template {
        name: "invoice_issued",
        category: Category::Utility,
        document: true,
        params: &[DISTRIBUTOR, p("number", "SGT/2627/118"), ORDER, TOTAL],
        body: Tr {
            en: "Tax invoice {{2}} from {{1}} for order #{{3}}: {{4}}. The PDF is attached; it is also in AuroMart under Invoices.",
            hi: "{{1}} का टैक्स इनवॉइस {{2}}, ऑर्डर #{{3}}: {{4}}। PDF साथ में है; यह AuroMart में इनवॉइस के अंतर्गत भी है।",
            mr: "{{1}} यांचे टॅक्स इनव्हॉइस {{2}}, ऑर्डर #{{3}}: {{4}}. PDF सोबत आहे; ते AuroMart मध्ये इनव्हॉइसमध्येही आहे.",
        },
        buttons: &[],
    },
    Template {
        name: "credit_note_issued",
        category: Category::Utility,
        document: true,
        params: &[DISTRIBUTOR, p("number", "SGT/2627/C4"), ORDER, TOTAL],
        body: Tr {
            en: "Credit note {{2}} from {{1}} cancels the invoice of order #{{3}}: {{4}}. The PDF is attached.",
            hi: "{{1}} का क्रेडिट नोट {{2}} ऑर्डर #{{3}} का इनवॉइस रद्द करता है: {{4}}। PDF साथ में है।",
            mr: "{{1}} यांची क्रेडिट नोट {{2}} ऑर्डर #{{3}} चे इनव्हॉइस रद्द करते: {{4}}. PDF सोबत आहे.",
        },
        buttons: &[],
    },
    Template {
        name: "payment_received",
        category: Category::Utility,
        document: true,
        params: &[
            DISTRIBUTOR,
            money("amount_paise", "₹12,500.00"),
            p("date", "07 Dec 2026"),
            p("reference", "UPI 4411 0923 7781"),
            money("due_paise", "₹3,240.00"),
        ],
        body: Tr {
            en: "{{1}} has received {{2}} from you on {{3}} ({{4}}). Still due to them: {{5}}. The receipt is attached.",
            hi: "{{1}} को आपसे {{3}} को {{2}} प्राप्त हुए ({{4}})। उनका बाकी बकाया: {{5}}। रसीद साथ में है।",
            mr: "{{1}} यांना तुमच्याकडून {{3}} रोजी {{2}} मिळाले ({{4}}). त्यांची उरलेली बाकी: {{5}}. पावती सोबत आहे.",
        },
        buttons: &[],
    },
    Template {
        // Before or on the due date, on the days the distributor chose.
        name: "payment_reminder_due",
        category: Category::Utility,
        document: false,
        params: &[
            DISTRIBUTOR,
            money("due_paise", "₹4,240.00"),
            p("invoices", "SGT/2627/41, SGT/2627/44"),
            p("due_on", "08 Dec 2026"),
            p("pay", "https://rzp.io/i/Ab12Cd3"),
        ],
        body: Tr {
            en: "Reminder from {{1}}: {{2}} for invoices {{3}} is due on {{4}}.\nTo pay: {{5}}\nAlready paid? Please ignore this message. Reply STOP to stop reminders.",
            hi: "{{1}} की ओर से याद दिलाना: इनवॉइस {{3}} के {{2}} का भुगतान {{4}} तक करना है।\nभुगतान के लिए: {{5}}\nभुगतान कर दिया है? तो यह संदेश अनदेखा करें। रिमाइंडर बंद करने के लिए STOP लिखें।",
            mr: "{{1}} कडून आठवण: इनव्हॉइस {{3}} चे {{2}} {{4}} पर्यंत भरायचे आहेत.\nभरण्यासाठी: {{5}}\nआधीच भरले आहेत? तर हा संदेश दुर्लक्षित करा. आठवणी थांबवण्यासाठी STOP लिहा.",
        },
        buttons: &[],
    },
    Template {
        // After the due date, on the days the distributor chose.
        name: "payment_reminder_overdue",
        category: Category::Utility,
        document: false,
        params: &[
            DISTRIBUTOR,
            money("due_paise", "₹4,240.00"),
            p("invoices", "SGT/2627/41, SGT/2627/44"),
            p("due_on", "23 Nov 2026"),
            p("pay", "https://rzp.io/i/Ab12Cd3"),
        ],
        body: Tr {
            en: "Reminder from {{1}}: {{2}} for invoices {{3}} was due on {{4}} and is still unpaid.\nTo pay: {{5}}\nAlready paid? Please ignore this message. Reply STOP to stop reminders.",
            hi: "{{1}} की ओर से याद दिलाना: इनवॉइस {{3}} के {{2}} का भुगतान {{4}} तक होना था और अभी बाकी है।\nभुगतान के लिए: {{5}}\nभुगतान कर दिया है? तो यह संदेश अनदेखा करें। रिमाइंडर बंद करने के लिए STOP लिखें।",
            mr: "{{1}} कडून आठवण: इनव्हॉइस {{3}} चे {{2}} {{4}} पर्यंत भरायचे होते आणि अजून बाकी आहेत.\nभरण्यासाठी: {{5}}\nआधीच भरले आहेत? तर हा संदेश दुर्लक्षित करा. आठवणी थांबवण्यासाठी STOP लिहा.",
        },
        buttons: &[],
    },
    Template {
        name: "monthly_statement",
        category: Category::Utility,
        document: true,
        params: &[
            p("month", "October 2026"),
            DISTRIBUTOR,
            p("invoices", "12"),
            money("net_paise", "₹48,210.00"),
        ],
        body: Tr {
            en: "Your {{1}} statement from {{2}}: {{3}} invoices, net {{4}}. The PDF is attached.",
            hi: "{{2}} से आपका {{1}} का स्टेटमेंट: {{3}} इनवॉइस, कुल {{4}}। PDF साथ में है।",
            mr: "{{2}} कडून तुमचे {{1}} चे स्टेटमेंट: {{3}} इनव्हॉइस, एकूण {{4}}. PDF सोबत आहे.",
        },
        buttons: &[],
    },
    Template {
        name: "monthly_sales_summary",
        category: Category::Utility,
        document: true,
        params: &[
            p("month", "October 2026"),
            p("orders", "412"),
            money("total_paise", "₹8,12,450.00"),
            p("change", "+12.5 %"),
            p("shops", "86"),
        ],
        body: Tr {
            en: "Your {{1}} on AuroMart: {{2}} orders from {{5}} shops, sales {{3}} with GST ({{4}} against the month before). The PDF report is attached.",
            hi: "AuroMart पर आपका {{1}}: {{5}} दुकानों से {{2}} ऑर्डर, GST सहित बिक्री {{3}} (पिछले महीने की तुलना में {{4}})। PDF रिपोर्ट साथ में है।",
            mr: "AuroMart वरील तुमचा {{1}}: {{5}} दुकानांकडून {{2}} ऑर्डर, GST सह विक्री {{3}} (मागील महिन्याच्या तुलनेत {{4}}). PDF अहवाल सोबत आहे.",
        },
        buttons: &[],
    },
    Template {
        name: "monthly_brand_summary",
        category: Category::Utility,
        document: true,
        params: &[
            p("month", "October 2026"),
            p("units", "12480"),
            money("goods_paise", "₹6,40,200.00"),
            p("distributors", "14"),
            p("shops", "380"),
        ],
        body: Tr {
            en: "{{1}} for your products on AuroMart: {{2}} units sold, {{3}} before GST, through {{4}} distributors to {{5}} shops. The PDF report is attached.",
            hi: "AuroMart पर आपके उत्पादों का {{1}}: {{2}} यूनिट बिके, GST से पहले {{3}}, {{4}} डिस्ट्रीब्यूटरों के ज़रिए {{5}} दुकानों को। PDF रिपोर्ट साथ में है।",
            mr: "AuroMart वर तुमच्या उत्पादनांचा {{1}}: {{2}} युनिट विकले, GST पूर्वी {{3}}, {{4}} वितरकांमार्फत {{5}} दुकानांना. PDF अहवाल सोबत आहे.",
        },
        buttons: &[],
    },
    Template {
        name: "password_code",
        category: Category::Authentication,
        document: false,
        params: &[p("code", "482913")],
        body: Tr {
            en: "{{1}} is your AuroMart code to set a new password. It expires in 30 minutes. Do not share it with anyone.",
            hi: "{{1}} नया पासवर्ड बनाने के लिए आपका AuroMart कोड है। यह 30 मिनट में समाप्त हो जाएगा। इसे किसी से साझा न करें।",
            mr: "{{1}} हा नवीन पासवर्ड तयार करण्यासाठी तुमचा AuroMart कोड आहे. तो 30 मिनिटांत संपेल. तो कोणालाही सांगू नका.",
        },
        buttons: &[],
    },
    Template {
        name: "announcement",
        category: Category::Marketing,
        document: false,
        params: &[p(
            "message",
            "Diwali offers from our distributors start on Monday.",
        )],
        body: Tr {
            en: "AuroMart: {{1}}\nReply STOP to stop these messages.",
            hi: "AuroMart: {{1}}\nये संदेश बंद करने के लिए STOP लिखें।",
            mr: "AuroMart: {{1}}\nहे संदेश बंद करण्यासाठी STOP लिहा.",
        },
        buttons: &[],
    },
];

pub fn find(name: &str) -> Option<&'static Template> {
    TEMPLATES.iter().find(|t| t.name == name)
}

/// Reasons a distributor can pick after tapping Reject on WhatsApp.
pub const REJECT_REASONS: &[(&str, Tr)] = &[
    (
        "stock",
        Tr {
            en: "Items out of stock",
            hi: "सामान स्टॉक में नहीं",
            mr: "माल स्टॉकमध्ये नाही",
        },
    ),
    (
        "area",
        Tr {
            en: "Area not served",
            hi: "वह इलाका बाहर है",
            mr: "त्या भागात सेवा नाही",
        },
    ),
    (
        "closed",
        Tr {
            en: "Shop closed today",
            hi: "आज दुकान बंद है",
            mr: "आज दुकान बंद आहे",
        },
    ),
];

/// Free-text replies (inside the 24-hour window the user's own message opened).
pub mod reply {
    use super::Tr;

    pub const DONE: Tr = Tr {
        en: "Done: order #{order} is now {state}.",
        hi: "हो गया: ऑर्डर #{order} अब {state} है।",
        mr: "झाले: ऑर्डर #{order} आता {state} आहे.",
    };
    pub const REFUSED: Tr = Tr {
        en: "Order #{order} was not changed: {reason}",
        hi: "ऑर्डर #{order} नहीं बदला गया: {reason}",
        mr: "ऑर्डर #{order} बदलली नाही: {reason}",
    };
    pub const PICK_REASON: Tr = Tr {
        en: "Why are you rejecting order #{order}? The retailer will see the reason.",
        hi: "आप ऑर्डर #{order} क्यों अस्वीकार कर रहे हैं? रिटेलर को कारण दिखेगा।",
        mr: "तुम्ही ऑर्डर #{order} का नाकारत आहात? किरकोळ विक्रेत्याला कारण दिसेल.",
    };
    pub const NOT_A_MEMBER: Tr = Tr {
        en: "This number is not registered with the distributor of this order, so nothing was changed.",
        hi: "यह नंबर इस ऑर्डर के वितरक के साथ पंजीकृत नहीं है, इसलिए कुछ नहीं बदला गया।",
        mr: "हा नंबर या ऑर्डरच्या वितरकाकडे नोंदलेला नाही, त्यामुळे काहीही बदलले नाही.",
    };
    pub const STOPPED: Tr = Tr {
        en: "You will no longer get AuroMart announcements. Order and invoice messages continue. Reply START to get announcements again.",
        hi: "अब आपको AuroMart की घोषणाएँ नहीं मिलेंगी। ऑर्डर और इनवॉइस संदेश जारी रहेंगे। फिर से पाने के लिए START लिखें।",
        mr: "आता तुम्हाला AuroMart च्या घोषणा मिळणार नाहीत. ऑर्डर आणि इनव्हॉइस संदेश सुरू राहतील. पुन्हा मिळवण्यासाठी START लिहा.",
    };
    pub const STARTED: Tr = Tr {
        en: "You will get AuroMart announcements again. Reply STOP to stop them.",
        hi: "आपको फिर से AuroMart की घोषणाएँ मिलेंगी। बंद करने के लिए STOP लिखें।",
        mr: "तुम्हाला पुन्हा AuroMart च्या घोषणा मिळतील. बंद करण्यासाठी STOP लिहा.",
    };
}

/// Meta's limits, checked before anything is sent (an over-long button title can be
/// accepted and then silently never delivered).
pub const MAX_BUTTONS: usize = 3;
pub const MAX_BUTTON_TITLE: usize = 20;
pub const MAX_BUTTON_ID: usize = 256;
pub const MAX_BODY: usize = 1024;
pub const MAX_FOOTER: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("at most {MAX_BUTTONS} buttons, not {0}")]
    TooManyButtons(usize),
    #[error("button title {0:?} is longer than {MAX_BUTTON_TITLE} characters")]
    ButtonTitle(String),
    #[error("button id is longer than {MAX_BUTTON_ID} characters")]
    ButtonId,
    #[error("message body is longer than {MAX_BODY} characters")]
    Body,
    #[error("footer is longer than {MAX_FOOTER} characters")]
    Footer,
    #[error("message body is empty")]
    Empty,
}

/// Checks an interactive message against the limits.
pub fn check_interactive(
    body: &str,
    footer: Option<&str>,
    buttons: &[(String, String)],
) -> Result<(), LimitError> {
    if body.trim().is_empty() {
        return Err(LimitError::Empty);
    }
    if body.chars().count() > MAX_BODY {
        return Err(LimitError::Body);
    }
    if footer.is_some_and(|f| f.chars().count() > MAX_FOOTER) {
        return Err(LimitError::Footer);
    }
    if buttons.len() > MAX_BUTTONS {
        return Err(LimitError::TooManyButtons(buttons.len()));
    }
    for (id, title) in buttons {
        if id.chars().count() > MAX_BUTTON_ID {
            return Err(LimitError::ButtonId);
        }
        if title.chars().count() > MAX_BUTTON_TITLE || title.trim().is_empty() {
            return Err(LimitError::ButtonTitle(title.clone()));
        }
    }
    Ok(())
}

/// A template parameter may not hold new lines, tabs or more than four spaces in a
/// row (Meta refuses the message); shop names and item lists are folded to one line.
pub fn clean_param(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut spaces = 0;
    for c in text.chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c == ' ' {
            spaces += 1;
            if spaces > 1 {
                continue;
            }
        } else {
            spaces = 0;
        }
        out.push(c);
    }
    let trimmed = out.trim();
    // A body parameter is at most 1,024 characters; ours are far shorter.
    trimmed.chars().take(500).collect()
}

/// The body with its parameters filled in: what the phone shows.
pub fn render(body: &str, values: &[String]) -> String {
    let mut out = body.to_string();
    for (i, v) in values.iter().enumerate().rev() {
        out = out.replace(&format!("{{{{{}}}}}", i + 1), v);
    }
    out
}

/// The section of src/whatsapp/README.md documenting every template as submitted to Meta.
pub fn readme_section() -> String {
    let mut s = String::from(
        "<!-- generated from src/whatsapp/templates.rs; `cargo test --features ssr --lib templates` checks it -->\n",
    );
    for t in TEMPLATES {
        s.push_str(&format!(
            "\n### `{}` — {}{}\n\n",
            t.name,
            t.category.as_str(),
            if t.document {
                ", header: DOCUMENT (the PDF)"
            } else {
                ""
            }
        ));
        let params: Vec<String> = t
            .params
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{{{{{}}}}} {} (e.g. {})", i + 1, p.field, p.example))
            .collect();
        s.push_str(&format!("Parameters: {}\n\n", params.join("; ")));
        for lang in [Language::En, Language::Hi, Language::Mr] {
            s.push_str(&format!(
                "- `{}`: {}\n",
                lang.as_str(),
                t.body.get(lang).replace('\n', " ⏎ ")
            ));
            if !t.buttons.is_empty() {
                let titles: Vec<String> = t
                    .buttons
                    .iter()
                    .map(|b| format!("[{}]", b.title.get(lang)))
                    .collect();
                s.push_str(&format!("  quick replies: {}\n", titles.join(" ")));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANGS: [Language; 3] = [Language::En, Language::Hi, Language::Mr];

    #[test]
    fn every_template_fits_meta_limits_in_every_language() {
        for t in TEMPLATES {
            assert!(t.buttons.len() <= MAX_BUTTONS, "{}", t.name);
            for lang in LANGS {
                let body = t.body.get(lang);
                assert!(body.chars().count() <= MAX_BODY, "{} {lang:?}", t.name);
                // Each parameter appears, numbered 1..n, and no other.
                for i in 1..=t.params.len() {
                    assert!(
                        body.contains(&format!("{{{{{i}}}}}")),
                        "{} {lang:?} lacks {{{{{i}}}}}",
                        t.name
                    );
                }
                assert!(
                    !body.contains(&format!("{{{{{}}}}}", t.params.len() + 1)),
                    "{} {lang:?}",
                    t.name
                );
                for b in t.buttons {
                    let n = b.title.get(lang).chars().count();
                    assert!(
                        (1..=MAX_BUTTON_TITLE).contains(&n),
                        "{} {:?}",
                        t.name,
                        b.title.get(lang)
                    );
                }
            }
        }
        for (_, r) in REJECT_REASONS {
            for lang in LANGS {
                assert!(r.get(lang).chars().count() <= MAX_BUTTON_TITLE, "{r:?}");
            }
        }
    }

    #[test]
    fn names_are_unique_and_every_order_state_has_one() {
        let mut names: Vec<_> = TEMPLATES.iter().map(|t| t.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), TEMPLATES.len());
        for s in crate::domain::order::OrderState::ALL {
            for delivery in [true, false] {
                let name = crate::orders::messages::template_for(s, delivery).expect("a template");
                assert!(find(name).is_some(), "{name}");
            }
        }
        use crate::domain::ledger::Hold;
        for hold in [
            Hold::CreditLimit {
                owed_paise: 1,
                open_orders_paise: 0,
                order_paise: 1,
                limit_paise: 1,
            },
            Hold::Overdue {
                overdue_paise: 1,
                days: 40,
                limit_days: 30,
            },
        ] {
            let name = crate::orders::messages::held_template(&hold);
            assert!(find(name).is_some(), "{name}");
        }
    }

    #[test]
    fn limits_are_enforced_before_sending() {
        let ok = vec![(
            "order:1:reject:stock".to_string(),
            "Items out of stock".to_string(),
        )];
        assert_eq!(check_interactive("Why?", None, &ok), Ok(()));
        let long = vec![("x".to_string(), "Accept — retailer picks up".to_string())];
        assert!(matches!(
            check_interactive("Why?", None, &long),
            Err(LimitError::ButtonTitle(_))
        ));
        let four = vec![("a".to_string(), "A".to_string()); 4];
        assert_eq!(
            check_interactive("Why?", None, &four),
            Err(LimitError::TooManyButtons(4))
        );
        assert_eq!(
            check_interactive(&"x".repeat(1025), None, &ok),
            Err(LimitError::Body)
        );
        assert_eq!(
            check_interactive("ok", Some(&"f".repeat(61)), &ok),
            Err(LimitError::Footer)
        );
        let long_id = vec![("i".repeat(257), "Fine".to_string())];
        assert_eq!(
            check_interactive("ok", None, &long_id),
            Err(LimitError::ButtonId)
        );
    }

    #[test]
    fn parameters_are_one_line() {
        assert_eq!(
            clean_param("Sai\nKirana\t\t Stores     Pune "),
            "Sai Kirana Stores Pune"
        );
        assert_eq!(
            render("{{1}} from {{2}} ({{12}})", &["a".into(), "b".into()]),
            "a from b ({{12}})"
        );
    }

    #[test]
    fn readme_documents_every_template() {
        let readme = include_str!("README.md");
        assert!(
            readme.contains(&readme_section()),
            "src/whatsapp/README.md's template section is out of date; paste the output of \
             `cargo test --features ssr --lib print_readme_section -- --ignored --nocapture`"
        );
    }

    #[test]
    #[ignore]
    fn print_readme_section() {
        println!("{}", readme_section());
    }
}
