// Demo catalogue for the `seed-demo` command: 200 hand-written feature requests and 60 comments
// about wedding-planning software, from couples and wedding suppliers around the world.
// All people, businesses and situations are fictional; there are no names, contact details or URLs.
// The first 100 requests and the last 100 each cover every category. Twelve requests in the second
// half are deliberate near-duplicates of one in the first half (each marked with a comment naming
// the other title), so the duplicate detector has something to find in a demo. Pure data, no I/O.

import type { DEFAULT_CATEGORIES, Urgency } from '../domain/feature-requests.js';

export interface DemoRequest {
  /** 8-90 characters, unique across the catalogue (case-insensitive). */
  title: string;
  /** 2-4 sentences, 120-600 characters, first person, a concrete wedding situation. */
  description: string;
  category: (typeof DEFAULT_CATEGORIES)[number];
  urgency: Urgency;
  /** 1-3 short phrases of 5-80 characters. */
  painPoints: string[];
  authorType: 'couple' | 'wedding_supplier';
  /** `country` is ISO 3166-1 alpha-2 and `timeZone` an IANA zone in that country; guestCount is 20-600. */
  weddingContext: { guestCount: number; country: string; timeZone: string };
}

/** A comment for the demo requests that mention its subject (40-300 characters); `expertAdvice` marks a supplier giving professional advice. */
export interface DemoComment {
  content: string;
  expertAdvice: boolean;
  /** What the comment is about: lower-case words or word beginnings, at least one of which a request must mention to get it. */
  about: readonly string[];
}

export const demoRequests: readonly DemoRequest[] = [
  // --- First half: guest_management
  {
    title: 'Import guest list from a spreadsheet',
    description:
      "My fiance and I have kept our guest list in a shared spreadsheet for months, with 140 names, addresses and dietary notes. Retyping all of that into the app one guest at a time is putting us off using it at all. I'd love to upload the file and match up the columns once.",
    category: 'guest_management',
    urgency: 'medium',
    painPoints: ['Retyping 140 guests by hand', "Columns don't match the app's fields"],
    authorType: 'couple',
    weddingContext: { guestCount: 140, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Group guests into households and families',
    description:
      "Our wedding in Jaipur has 220 guests, and most of them come as whole families with grandparents and children. I need to invite a household once and track how many of them are coming instead of managing every person separately. Right now my aunt's family of nine shows up as nine unrelated rows.",
    category: 'guest_management',
    urgency: 'medium',
    painPoints: ['Families listed as separate people', 'Headcount per household is unclear'],
    authorType: 'couple',
    weddingContext: { guestCount: 220, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Plus-one allowance set per invitation',
    description:
      "As a wedding planner, I constantly see guests adding plus-ones the couple never offered. I want couples to set exactly how many extra people each invitation allows so the form simply won't accept more. Last spring one of my couples ended up with 14 unexpected guests and the caterer had to scramble.",
    category: 'guest_management',
    urgency: 'high',
    painPoints: ['Uninvited plus-ones', 'Caterer numbers thrown off'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 180, country: 'US', timeZone: 'America/Chicago' },
  },
  {
    title: 'Tag guests by which partner invited them',
    description:
      "We're having 60 guests in Galway and want to see at a glance how the list splits between my side, my partner's side and our shared friends. Simple tags would help us keep things fair when we trim the list. At the moment I'm colour-coding a paper printout with highlighters.",
    category: 'guest_management',
    urgency: 'low',
    painPoints: ['No way to split the list by side', 'Trimming the list feels unfair'],
    authorType: 'couple',
    weddingContext: { guestCount: 60, country: 'IE', timeZone: 'Europe/Dublin' },
  },
  {
    title: 'Read-only guest list access for the venue',
    description:
      'As an events manager at a hotel venue, I need the final guest list for security and valet parking, but I should not be able to change it. Couples currently send me screenshots that are out of date by the next morning. A read-only shared view would save a lot of back and forth.',
    category: 'guest_management',
    urgency: 'medium',
    painPoints: ['Out-of-date screenshots', 'Security needs the final names'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 300, country: 'AE', timeZone: 'Asia/Dubai' },
  },
  {
    title: 'A-list and B-list guests with an automatic waitlist',
    description:
      "Our venue in the Blue Mountains holds 95 people, so we have a ranked shortlist of friends we'd invite if others decline. I'd like the app to suggest who to invite next whenever someone says no, in the order we chose. Doing this in my head is stressful.",
    category: 'guest_management',
    urgency: 'medium',
    painPoints: ['Tracking who to invite after declines', 'Hard venue capacity limit'],
    authorType: 'couple',
    weddingContext: { guestCount: 95, country: 'AU', timeZone: 'Australia/Sydney' },
  },
  {
    title: 'Record which guests are children and their ages',
    description:
      "We're having a small wedding near Queenstown with 45 guests, and about ten of them are kids. I need their ages for the kids' menu, high chairs and the babysitter's ratio. There is no field for this, so I keep notes in the comments box.",
    category: 'guest_management',
    urgency: 'low',
    painPoints: ["Kids' meals and high chairs", 'Babysitter ratio planning'],
    authorType: 'couple',
    weddingContext: { guestCount: 45, country: 'NZ', timeZone: 'Pacific/Auckland' },
  },
  {
    title: 'Flag guests who need accommodation nearby',
    description:
      "As a chateau venue coordinator in Burgundy, I help couples fill our on-site rooms and the village guest houses. I'd like a simple flag on each guest showing whether they need a room and for which nights. Today I receive this information in five different formats.",
    category: 'guest_management',
    urgency: 'low',
    painPoints: ['Room allocation done by hand', 'Different formats from every couple'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 150, country: 'FR', timeZone: 'Europe/Paris' },
  },
  // --- First half: rsvp
  {
    title: 'Let guests pick their meal when they RSVP',
    description:
      "We're offering beef, fish or a vegetarian risotto at our wedding in York, and the caterer needs numbers six weeks before. I want guests to choose their main course at the same moment they accept. Collecting choices separately by message means half of them forget.",
    category: 'rsvp',
    urgency: 'medium',
    painPoints: ['Meal choices collected separately', 'Caterer deadline six weeks out'],
    authorType: 'couple',
    weddingContext: { guestCount: 120, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Automatic reminders before the RSVP deadline',
    description:
      "Our RSVP deadline is three weeks away and a third of our 90 guests haven't replied. I'd like the app to send a polite reminder a week before and on the day of the deadline to anyone who hasn't answered. Chasing people individually is awkward, especially older relatives.",
    category: 'rsvp',
    urgency: 'high',
    painPoints: ["A third of guests haven't replied", 'Awkward personal chasing'],
    authorType: 'couple',
    weddingContext: { guestCount: 90, country: 'US', timeZone: 'America/New_York' },
  },
  {
    title: 'Structured allergy questions on the RSVP form',
    description:
      "As a caterer in Melbourne, I need allergies captured precisely, not as a free-text 'no nuts please' buried in a note. A list of common allergens plus an 'other' field on the RSVP would make my kitchen sheets far safer. Last month we only learned about a sesame allergy at the table.",
    category: 'rsvp',
    urgency: 'high',
    painPoints: ['Allergies hidden in free text', 'Unsafe kitchen sheets'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 160, country: 'AU', timeZone: 'Australia/Melbourne' },
  },
  {
    title: 'Let guests change their RSVP until the deadline',
    description:
      "Two of our guests accepted, then found out they had a work trip, and couldn't update their reply themselves. I'd like guests to be able to edit their answer until the deadline I set, with a note to me when they do. Right now they message me and I change it for them.",
    category: 'rsvp',
    urgency: 'low',
    painPoints: ["Guests can't edit their reply", 'Changes arrive by private message'],
    authorType: 'couple',
    weddingContext: { guestCount: 70, country: 'MY', timeZone: 'Asia/Kuala_Lumpur' },
  },
  {
    title: 'Reply by SMS for guests without smartphones',
    description:
      "As a planner working with large families in Kolkata, I know many older guests don't use apps or email. I'd like them to reply yes or no, with the number attending, by simple text message. Otherwise I end up phoning 80 people and updating the list myself.",
    category: 'rsvp',
    urgency: 'high',
    painPoints: ["Older guests don't use apps", 'Phoning dozens of guests'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 250, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Custom questions on the RSVP form',
    description:
      "For our wedding in Oaxaca we want to ask whether guests need the shuttle from the hotel and if they'll join the calenda parade. The RSVP form only has fixed questions. Being able to add two or three of my own would save sending a separate survey.",
    category: 'rsvp',
    urgency: 'medium',
    painPoints: ['Fixed RSVP questions only', 'Separate survey needed'],
    authorType: 'couple',
    weddingContext: { guestCount: 150, country: 'MX', timeZone: 'America/Mexico_City' },
  },
  {
    title: 'Warm message and note box when a guest declines',
    description:
      "When a guest says they can't come, the form just closes with no message. I'd love to show a warm thank-you and let them leave a note for us, since several people who can't travel to Wanaka still want to send their wishes.",
    category: 'rsvp',
    urgency: 'low',
    painPoints: ['Declines feel cold', 'No place for well-wishes'],
    authorType: 'couple',
    weddingContext: { guestCount: 55, country: 'NZ', timeZone: 'Pacific/Auckland' },
  },
  // --- First half: seating
  {
    title: 'Drag-and-drop seating chart builder',
    description:
      "I'm trying to seat 130 guests across 13 round tables for our reception in Bath, and the current list view makes it impossible to see who sits where. I want to drag guests onto tables on a floor plan and move them around as I change my mind. Right now I'm using sticky notes on a sheet of card.",
    category: 'seating',
    urgency: 'high',
    painPoints: ["Can't see the room layout", 'Sticky notes on card'],
    authorType: 'couple',
    weddingContext: { guestCount: 130, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Table plans that match the real room dimensions',
    description:
      "As a venue coordinator, I need seating charts to reflect our actual ballroom, including pillars, the dance floor and fire exits. Couples draw plans with 20 tables that physically can't fit. Letting venues upload a floor plan with fixed positions would prevent that.",
    category: 'seating',
    urgency: 'medium',
    painPoints: ['Impossible layouts from couples', 'Fire exits ignored'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'US', timeZone: 'America/New_York' },
  },
  {
    title: 'Keep certain guests apart in the seating plan',
    description:
      "My divorced parents need to be at different tables, ideally not facing each other, and there are a couple of other sensitive pairs. I want to set 'keep apart' rules and have the plan warn me if I break one. With 85 guests it's easy to slip up.",
    category: 'seating',
    urgency: 'medium',
    painPoints: ['Sensitive family situations', 'Easy to break a rule by accident'],
    authorType: 'couple',
    weddingContext: { guestCount: 85, country: 'AU', timeZone: 'Australia/Brisbane' },
  },
  {
    title: 'Long banquet tables, not just round ones',
    description:
      'Our venue in Cork uses two long feasting tables, but the seating tool only offers round tables. I need to place 30 people on each side of a long table and see who faces whom.',
    category: 'seating',
    urgency: 'low',
    painPoints: ['Only round tables available'],
    authorType: 'couple',
    weddingContext: { guestCount: 60, country: 'IE', timeZone: 'Europe/Dublin' },
  },
  {
    title: 'Reserved zones for family at large receptions',
    description:
      "As a venue manager in Delhi, I host many receptions of 250 or more with free seating except for reserved family areas. I'd like to mark zones rather than individual seats and allocate groups to them. The current tool assumes every guest has a fixed chair.",
    category: 'seating',
    urgency: 'medium',
    painPoints: ['Tool assumes fixed chairs', 'Family areas need reserving'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 250, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Print place cards straight from the seating chart',
    description:
      "Once the seating chart is done I have to retype every name for place cards. For our 110 guests in Milwaukee I'd like to print place cards and escort cards directly from the plan, with table numbers. It's a lot of copy and paste otherwise.",
    category: 'seating',
    urgency: 'medium',
    painPoints: ['Retyping names for place cards'],
    authorType: 'couple',
    weddingContext: { guestCount: 110, country: 'US', timeZone: 'America/Chicago' },
  },
  {
    title: 'Suggest a first-draft seating plan from my guest groups',
    description:
      "I'd like the app to propose a first draft of our seating from the groups I've already tagged, like university friends or work colleagues. I could then tweak it rather than starting from an empty room. Our wedding in Tenerife is small but I still find it overwhelming.",
    category: 'seating',
    urgency: 'low',
    painPoints: ['Starting from a blank plan'],
    authorType: 'couple',
    weddingContext: { guestCount: 50, country: 'ES', timeZone: 'Atlantic/Canary' },
  },
  {
    title: 'Meal icons on each seat for the waiting staff',
    description:
      'As a catering manager in Cologne, I need my waiters to know which seat gets the fish and which gets the vegetarian option. If the seating chart printed with a small meal icon at each place, service would be faster and fewer plates would go to the wrong guest.',
    category: 'seating',
    urgency: 'low',
    painPoints: ['Plates go to the wrong guest', 'Slow service at big tables'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 160, country: 'DE', timeZone: 'Europe/Berlin' },
  },
  // --- First half: budget_payments
  {
    title: 'Payment reminders before supplier deposits are due',
    description:
      "We've got eleven suppliers, each with their own deposit and final balance dates, and we nearly missed the florist's second payment. I'd like the app to remind me a week before each payment is due. Our wedding in Cheshire is eight months away and the dates keep stacking up.",
    category: 'budget_payments',
    urgency: 'high',
    painPoints: ['Nearly missed a payment', 'Eleven different due dates'],
    authorType: 'couple',
    weddingContext: { guestCount: 120, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Split costs between us and each set of parents',
    description:
      'Both sets of parents are contributing to our San Diego wedding, but to different line items. I want to tag each expense with who is paying so everyone sees their share. At the moment we have three spreadsheets that never agree.',
    category: 'budget_payments',
    urgency: 'medium',
    painPoints: ['Three spreadsheets that disagree', 'Unclear who pays what'],
    authorType: 'couple',
    weddingContext: { guestCount: 150, country: 'US', timeZone: 'America/Los_Angeles' },
  },
  {
    title: 'Take booking deposits by card inside the platform',
    description:
      "As a wedding photographer, I send invoices separately and then match bank transfers by hand. If couples could pay my booking deposit through the platform, I'd save time and they'd get a receipt instantly. Half my late payments are just people losing the invoice.",
    category: 'budget_payments',
    urgency: 'medium',
    painPoints: ['Matching bank transfers by hand', 'Lost invoices cause late payments'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 100, country: 'CH', timeZone: 'Europe/Zurich' },
  },
  {
    title: 'Estimated versus actual cost for each budget line',
    description:
      "We set rough estimates for the venue, food, outfits and decor, but the final quotes are quite different. I'd like to see the estimate and the actual cost side by side, with the difference, for every line. Our wedding in Pune has over 40 line items, so the totals really matter.",
    category: 'budget_payments',
    urgency: 'medium',
    painPoints: ['Estimates and quotes mixed up', '40 line items to track'],
    authorType: 'couple',
    weddingContext: { guestCount: 200, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Track cash gifts received from guests',
    description:
      "In our families it's traditional to give money in envelopes, and we want to record who gave what so we can thank them properly. A simple gift register next to the budget would also show us what we have towards the honeymoon.",
    category: 'budget_payments',
    urgency: 'low',
    painPoints: ['Envelopes with no record'],
    authorType: 'couple',
    weddingContext: { guestCount: 40, country: 'IT', timeZone: 'Europe/Rome' },
  },
  {
    title: 'Multi-currency quotes for destination weddings',
    description:
      "As a planner based in Cape Town, I work with many couples who live in the UK and pay in pounds while local suppliers invoice in rand. I want each expense in its own currency with a converted total. Exchange rates move and the couple's budget view is always slightly wrong.",
    category: 'budget_payments',
    urgency: 'high',
    painPoints: ['Quotes in two currencies', 'Totals off after rate changes'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 180, country: 'ZA', timeZone: 'Africa/Johannesburg' },
  },
  {
    title: 'Warn me when a budget category goes over its limit',
    description:
      "We gave ourselves a limit for flowers and decor and quietly went 30 percent over without noticing. I'd like a warning as soon as any category exceeds what we planned. Our Utrecht wedding is not big, so every euro counts.",
    category: 'budget_payments',
    urgency: 'medium',
    painPoints: ['Overspending goes unnoticed'],
    authorType: 'couple',
    weddingContext: { guestCount: 80, country: 'NL', timeZone: 'Europe/Amsterdam' },
  },
  // --- First half: vendor_management
  {
    title: 'Compare supplier quotes side by side',
    description:
      "We've had quotes from four photographers and three caterers, all in different formats. I'd like to put them in one table with price, hours and what's included. Choosing is hard when I can't compare like with like.",
    category: 'vendor_management',
    urgency: 'medium',
    painPoints: ['Quotes in different formats'],
    authorType: 'couple',
    weddingContext: { guestCount: 130, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'One contact sheet for all suppliers at a wedding',
    description:
      "As a wedding planner, on the day I need every supplier's on-site contact and arrival time on a single page. I currently build it by hand for each wedding. A sheet generated from the booked suppliers would be a huge time saver.",
    category: 'vendor_management',
    urgency: 'medium',
    painPoints: ['Building contact sheets by hand'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 150, country: 'US', timeZone: 'America/New_York' },
  },
  {
    title: 'Shortlist suppliers before contacting them',
    description:
      "I'm browsing florists and bands for our Wicklow wedding and want to save favourites into a shortlist with my own notes. Then I can talk it through with my fiancee before we send any enquiries.",
    category: 'vendor_management',
    urgency: 'low',
    painPoints: ['No way to save favourites'],
    authorType: 'couple',
    weddingContext: { guestCount: 70, country: 'IE', timeZone: 'Europe/Dublin' },
  },
  {
    title: 'Show couples my available dates before they enquire',
    description:
      "As a venue in the Cotswolds, we get enquiries for dates that are already booked. If couples could see our open dates before enquiring, we'd both save time. I currently answer about 20 dead enquiries a week.",
    category: 'vendor_management',
    urgency: 'high',
    painPoints: ['20 dead enquiries a week', 'Booked dates not visible'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 120, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: "Booking status for every supplier we're talking to",
    description:
      'We have decorators, a mehndi artist, caterers, a DJ, a band and more for our Udaipur wedding. I want a status for each supplier, such as enquired, quoted, booked and paid, so I know where everything stands.',
    category: 'vendor_management',
    urgency: 'medium',
    painPoints: ['Too many suppliers to track'],
    authorType: 'couple',
    weddingContext: { guestCount: 200, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Private supplier notes shared with my team',
    description:
      'As a planner in Christchurch, I want to leave notes about each supplier, like load-in access or their power needs, that my assistants can see. These notes currently get lost in long message threads.',
    category: 'vendor_management',
    urgency: 'low',
    painPoints: ['Notes lost in messages'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 90, country: 'NZ', timeZone: 'Pacific/Auckland' },
  },
  {
    title: 'Rate and review suppliers after the wedding',
    description:
      'After our wedding in Annecy, we wanted to recommend our amazing caterer and warn others about a DJ who turned up late. A rating and review on the platform would help other couples. It would also help us close the loop.',
    category: 'vendor_management',
    urgency: 'medium',
    painPoints: ['No way to share experiences'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'FR', timeZone: 'Europe/Paris' },
  },
  // --- First half: timeline_planning
  {
    title: 'Shareable run-of-day schedule for all suppliers',
    description:
      'As a wedding planner, I write a minute-by-minute schedule for every wedding and then send separate versions to the photographer, caterer, band and venue. When timings change, half of them have an old copy. I need one schedule I can share with every supplier that always shows the latest version.',
    category: 'timeline_planning',
    urgency: 'high',
    painPoints: ['Outdated copies in circulation', 'Separate versions per supplier'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 150, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Planning checklist that counts back from our date',
    description:
      'We got engaged and set a date fourteen months out, but we have no idea what to book when. A checklist that counts back from our date, like booking the venue now and ordering invitations four months before, would help a lot.',
    category: 'timeline_planning',
    urgency: 'medium',
    painPoints: ['Not sure what to book when'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'US', timeZone: 'America/New_York' },
  },
  {
    title: 'Add our own tasks to the checklist',
    description:
      'The built-in checklist is great but misses things specific to us, like booking a piper and arranging care for our dog. I want to add my own tasks with due dates alongside the suggested ones.',
    category: 'timeline_planning',
    urgency: 'low',
    painPoints: ['Checklist misses personal tasks'],
    authorType: 'couple',
    weddingContext: { guestCount: 60, country: 'IE', timeZone: 'Europe/Dublin' },
  },
  {
    title: 'Lock the muhurat as a fixed point in the timeline',
    description:
      "As a planner in Ahmedabad, I know the ceremony must happen at the auspicious time the priest has set, and everything else is planned around it. I'd like to lock that time so other items move around it. When families shift events, nobody should be able to move the muhurat by accident.",
    category: 'timeline_planning',
    urgency: 'medium',
    painPoints: ['Auspicious time moved by mistake'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 250, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Show sunset time on our wedding day timeline',
    description:
      'We want our portraits at golden hour in Margaret River, but I had to look up the sunset time separately. Showing sunrise and sunset for our venue and date on the timeline would help us plan the photos and the ceremony start.',
    category: 'timeline_planning',
    urgency: 'medium',
    painPoints: ['Looking up sunset separately'],
    authorType: 'couple',
    weddingContext: { guestCount: 120, country: 'AU', timeZone: 'Australia/Perth' },
  },
  {
    title: 'Reusable timeline templates for my weddings',
    description:
      "As a planner in Tuscany, I find most of my weddings follow a similar structure, with ceremony, aperitivo, dinner and dancing. I'd like to save a timeline as a template and start each new wedding from it, then adjust.",
    category: 'timeline_planning',
    urgency: 'low',
    painPoints: ['Rebuilding timelines from scratch'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 80, country: 'IT', timeZone: 'Europe/Rome' },
  },
  {
    title: 'Assign checklist tasks to me or my partner',
    description:
      'We keep both thinking the other person booked something. Assigning each task to one of us, with a reminder, would stop that from happening. Last week neither of us had booked the cake tasting.',
    category: 'timeline_planning',
    urgency: 'medium',
    painPoints: ['Unclear who owns each task'],
    authorType: 'couple',
    weddingContext: { guestCount: 140, country: 'CA', timeZone: 'America/Toronto' },
  },
  // --- First half: communication
  {
    title: 'Send group text updates to all guests on the day',
    description:
      "On our wedding day in Malibu, the shuttle time might change at the last minute and we have no way to tell 150 guests at once. I want to send one short update that reaches everyone's phone. Individual messages will be impossible on the morning of the wedding.",
    category: 'communication',
    urgency: 'high',
    painPoints: ['No way to reach all guests quickly', 'Last-minute shuttle changes'],
    authorType: 'couple',
    weddingContext: { guestCount: 150, country: 'US', timeZone: 'America/Los_Angeles' },
  },
  {
    title: 'Saved message templates for common questions',
    description:
      'As a venue coordinator, I answer the same questions every week about parking, corkage and final numbers. Saved templates that I can personalise before sending would halve my admin.',
    category: 'communication',
    urgency: 'medium',
    painPoints: ['Same answers typed every week'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 120, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Message guests by group, such as the bridal party',
    description:
      "I want to message only the bridal party about the rehearsal, or only the out-of-town guests about the hotel. Right now it's either everyone or one person at a time.",
    category: 'communication',
    urgency: 'medium',
    painPoints: ['All or one, nothing in between'],
    authorType: 'couple',
    weddingContext: { guestCount: 80, country: 'TH', timeZone: 'Asia/Bangkok' },
  },
  {
    title: 'Read receipts for messages to couples',
    description:
      "As a photographer, I send couples a questionnaire a month before the wedding and often don't know if they've seen it. Knowing whether a message was read would tell me when to follow up.",
    category: 'communication',
    urgency: 'low',
    painPoints: ['Unsure if couples saw the message'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 100, country: 'AU', timeZone: 'Australia/Melbourne' },
  },
  {
    title: 'Shared discussion space for both families',
    description:
      'For our wedding in Lucknow, both families are organising different events and keep using separate chat groups. A shared discussion space inside the app, where we can post updates and files, would keep everyone on the same page.',
    category: 'communication',
    urgency: 'medium',
    painPoints: ['Families in separate chat groups'],
    authorType: 'couple',
    weddingContext: { guestCount: 500, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Business hours for supplier messaging',
    description:
      "As a caterer in British Columbia, I get couples' messages at midnight and feel pressure to answer. I'd like to set business hours and have the app tell couples when to expect a reply.",
    category: 'communication',
    urgency: 'medium',
    painPoints: ['Messages at midnight'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 160, country: 'CA', timeZone: 'America/Vancouver' },
  },
  {
    title: 'Schedule messages to send later',
    description:
      'As a hair and makeup artist in Auckland, I send couples a preparation guide two weeks before the wedding and a reminder the day before, and I often forget. Scheduling messages when I take the booking would make sure they always go out on time.',
    category: 'communication',
    urgency: 'low',
    painPoints: ['Forgetting to send on time'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 55, country: 'NZ', timeZone: 'Pacific/Auckland' },
  },
  // --- First half: website_invitations
  {
    title: 'Password-protect our wedding website',
    description:
      "Our wedding website shows our home town, the venue and the date, and I don't want it to be public. A simple password for guests would make us feel much safer about sharing the link.",
    category: 'website_invitations',
    urgency: 'medium',
    painPoints: ['Personal details publicly visible'],
    authorType: 'couple',
    weddingContext: { guestCount: 120, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'More website themes for outdoor weddings',
    description:
      "We're getting married in the Rockies and the website themes all look like hotel ballrooms. A few rustic or mountain-style themes would suit us far better.",
    category: 'website_invitations',
    urgency: 'low',
    painPoints: ["Themes don't fit our style"],
    authorType: 'couple',
    weddingContext: { guestCount: 90, country: 'US', timeZone: 'America/Denver' },
  },
  {
    title: "Let stationers design the couple's digital invitation",
    description:
      "As a stationery designer, I'm often asked by couples to match their digital invitation to the printed suite. I'd like to upload a design and fonts to their website so everything looks consistent. Right now the digital version looks nothing like the paper one.",
    category: 'website_invitations',
    urgency: 'medium',
    painPoints: ["Digital and print don't match"],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 100, country: 'IE', timeZone: 'Europe/Dublin' },
  },
  {
    title: 'Separate invitation cards for each ceremony',
    description:
      'Our wedding has a haldi, mehndi, sangeet and the wedding itself, and not everyone is invited to all of them. I need a digital invitation per ceremony that only the right guests can see on our website.',
    category: 'website_invitations',
    urgency: 'medium',
    painPoints: ['All events visible to all guests'],
    authorType: 'couple',
    weddingContext: { guestCount: 150, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Our story page with photos on the website',
    description:
      "We'd love a page telling how we met, with photos from our first trip together. The website only has fixed sections for the date, venue and travel.",
    category: 'website_invitations',
    urgency: 'low',
    painPoints: ['Fixed website sections'],
    authorType: 'couple',
    weddingContext: { guestCount: 60, country: 'AU', timeZone: 'Australia/Sydney' },
  },
  {
    title: 'Travel and hotel block section on the website',
    description:
      "As a planner, I negotiate hotel room blocks for most weddings and need guests to see the booking code and deadline. A proper travel section on the couple's website with hotels, shuttles and airports would reduce the questions I get.",
    category: 'website_invitations',
    urgency: 'medium',
    painPoints: ['Guests keep asking about hotels'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'US', timeZone: 'America/New_York' },
  },
  {
    title: 'Send each guest a personal invitation link',
    description:
      'We want to send each guest their invitation through a messaging app, with a link that opens their own reply page. Copying links one by one is tedious for our 80 guests in Seville.',
    category: 'website_invitations',
    urgency: 'medium',
    painPoints: ['Copying links one by one'],
    authorType: 'couple',
    weddingContext: { guestCount: 80, country: 'ES', timeZone: 'Europe/Madrid' },
  },
  // --- First half: mobile_app
  {
    title: 'Offline mode for the day-of timeline',
    description:
      'As a wedding coordinator, I work at many barn and castle venues with no mobile signal at all. The app shows a blank screen there, so I carry paper copies of everything. I need the timeline, contacts and seating plan to work offline once downloaded.',
    category: 'mobile_app',
    urgency: 'high',
    painPoints: ['No signal at rural venues', 'Carrying paper backups'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 180, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Stay signed in on my phone with fingerprint unlock',
    description:
      "Every time I open the app on my phone I have to log in again, which is frustrating when I just want to check one guest's reply. Staying signed in, with a fingerprint unlock, would make me use it far more.",
    category: 'mobile_app',
    urgency: 'medium',
    painPoints: ['Logging in every time'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'CO', timeZone: 'America/Bogota' },
  },
  {
    title: 'Lighter app for slow mobile data',
    description:
      'Our families mostly use the app on mobile data in smaller towns around Kerala, and pages take ages to load. A lighter version that uses less data and loads quickly would help everyone take part.',
    category: 'mobile_app',
    urgency: 'medium',
    painPoints: ['Pages load slowly', 'Mobile data costs'],
    authorType: 'couple',
    weddingContext: { guestCount: 140, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Dark mode for evening receptions',
    description:
      'As a photographer, I check the timeline during dimly lit receptions and the bright white screen is distracting for guests. A dark mode would make the app usable during evening events.',
    category: 'mobile_app',
    urgency: 'low',
    painPoints: ['Bright screen in dark venues'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 110, country: 'AU', timeZone: 'Australia/Adelaide' },
  },
  {
    title: 'Proper tablet layout for client meetings',
    description:
      'As a wedding planner in Nairobi, I run client meetings on a tablet, but the app is just a stretched phone layout. A proper tablet view with the checklist and budget side by side would look far more professional in front of couples.',
    category: 'mobile_app',
    urgency: 'low',
    painPoints: ['Stretched phone layout', 'Looks unprofessional in meetings'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 150, country: 'KE', timeZone: 'Africa/Nairobi' },
  },
  {
    title: 'Voice notes that become tasks',
    description:
      "As a planner in Berlin, I get ideas while driving between venues. I'd like to record a quick voice note on my phone that becomes a task in the right wedding, so nothing slips.",
    category: 'mobile_app',
    urgency: 'medium',
    painPoints: ['Ideas lost while on the road'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 120, country: 'DE', timeZone: 'Europe/Berlin' },
  },
  {
    title: 'Invite my mum as a helper with limited access',
    description:
      "My mother is helping plan our wedding in Belo Horizonte but only uses her phone. I'd like to invite her to the app with access to the guest list and checklist, but not our budget.",
    category: 'mobile_app',
    urgency: 'medium',
    painPoints: ['Helpers need their own access'],
    authorType: 'couple',
    weddingContext: { guestCount: 150, country: 'BR', timeZone: 'America/Sao_Paulo' },
  },
  // --- First half: integrations
  {
    title: 'Two-way calendar sync for supplier bookings',
    description:
      "As a wedding photographer, I keep my bookings both in my own calendar and on the platform, and twice a date has been double-booked because one wasn't updated. I want bookings here to appear in my calendar, and busy days from my calendar to block availability here.",
    category: 'integrations',
    urgency: 'medium',
    painPoints: ['Double bookings', 'Two calendars to maintain'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 150, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Connect the platform to my accounting software',
    description:
      'As a caterer, I re-enter every deposit and invoice from the platform into my accounting software. An integration that pushes invoices and payments across would save me several hours a month.',
    category: 'integrations',
    urgency: 'medium',
    painPoints: ['Re-entering invoices'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'US', timeZone: 'America/New_York' },
  },
  {
    title: 'Import inspiration boards from other apps',
    description:
      "I've saved hundreds of ideas for flowers and decor on a pinboard app. I'd like to import a whole board into my planning so our suppliers can see my style without me sending screenshots.",
    category: 'integrations',
    urgency: 'low',
    painPoints: ['Ideas scattered across apps'],
    authorType: 'couple',
    weddingContext: { guestCount: 80, country: 'IE', timeZone: 'Europe/Dublin' },
  },
  {
    title: 'Support UPI and local cards for deposits',
    description:
      "As a caterer in Bengaluru, I find most of my clients want to pay deposits by UPI or local cards, which the platform doesn't support. Without it, I take payments outside the app and lose all the tracking.",
    category: 'integrations',
    urgency: 'high',
    painPoints: ['Local payment methods unsupported'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 250, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Export guest addresses for envelope printing',
    description:
      'As a stationer in Brisbane, I address envelopes for couples and receive guest addresses in every format imaginable. An export to a standard label or envelope-printing layout would save me hours of formatting per order.',
    category: 'integrations',
    urgency: 'medium',
    painPoints: ['Addresses arrive in every format', 'Hours of formatting per order'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 110, country: 'AU', timeZone: 'Australia/Brisbane' },
  },
  {
    title: 'Webhooks for new enquiries',
    description:
      "As a florist with my own booking system, I'd like a webhook whenever a couple sends me an enquiry so it lands in my pipeline automatically. Copying each one across by hand is error-prone.",
    category: 'integrations',
    urgency: 'low',
    painPoints: ['Copying enquiries by hand'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 90, country: 'NL', timeZone: 'Europe/Amsterdam' },
  },
  {
    title: 'Link our music playlists for the DJ',
    description:
      "We've built playlists for the ceremony and dinner in our music streaming app. I'd like to link them so our DJ in Santa Barbara can see them in our wedding file instead of a screenshot.",
    category: 'integrations',
    urgency: 'medium',
    painPoints: ['Playlists shared by screenshot'],
    authorType: 'couple',
    weddingContext: { guestCount: 130, country: 'US', timeZone: 'America/Los_Angeles' },
  },
  // --- First half: reporting_analytics
  {
    title: 'Enquiry to booking conversion report',
    description:
      'As a venue sales manager, I want to know what share of our enquiries end up booking a date, and how long that takes. I currently count them by hand in a spreadsheet at the end of each month. A simple conversion report would show me which months and channels actually work.',
    category: 'reporting_analytics',
    urgency: 'medium',
    painPoints: ['Counting enquiries by hand', 'No view of what converts'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 150, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'RSVP summary by family side and age group',
    description:
      "I'd like a quick overview of how many guests from each family have accepted, and how many of them are children. It helps me talk numbers with both sets of parents.",
    category: 'reporting_analytics',
    urgency: 'low',
    painPoints: ['No overview for parents'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'AR', timeZone: 'America/Argentina/Buenos_Aires' },
  },
  {
    title: 'Totals of guests per meal type and event',
    description:
      'As a caterer in Hyderabad, I need totals of vegetarian, Jain, non-vegetarian and vegan guests for each event. The platform shows individual answers but no totals, so I count them myself.',
    category: 'reporting_analytics',
    urgency: 'medium',
    painPoints: ['No totals per meal type'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 450, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Chart of where our wedding money is going',
    description:
      "A pie chart of where our money is going would help us see that the venue is half the budget. Tables of numbers don't show us the big picture.",
    category: 'reporting_analytics',
    urgency: 'medium',
    painPoints: ['Numbers without a big picture'],
    authorType: 'couple',
    weddingContext: { guestCount: 120, country: 'AU', timeZone: 'Australia/Brisbane' },
  },
  {
    title: 'Demand for wedding dates in my region',
    description:
      "As a photographer in Alsace, I'd like to see which dates are most requested in my region so I can plan my pricing. Anonymised demand data from the platform would be really valuable.",
    category: 'reporting_analytics',
    urgency: 'low',
    painPoints: ['Pricing without demand data'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 80, country: 'FR', timeZone: 'Europe/Paris' },
  },
  {
    title: 'Monthly revenue report across my weddings',
    description:
      'As a planning company in Abu Dhabi, we want monthly revenue, deposits received and outstanding balances across all weddings. I rebuild this in a spreadsheet every month.',
    category: 'reporting_analytics',
    urgency: 'medium',
    painPoints: ['Monthly spreadsheet rebuild'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'AE', timeZone: 'Asia/Dubai' },
  },
  {
    title: 'Overall planning progress at a glance',
    description:
      'I want to see at a glance what percentage of our checklist is done, how much budget is committed and how many RSVPs are in. Our wedding in Granada is in five months.',
    category: 'reporting_analytics',
    urgency: 'medium',
    painPoints: ['No single progress view'],
    authorType: 'couple',
    weddingContext: { guestCount: 60, country: 'ES', timeZone: 'Europe/Madrid' },
  },
  // --- First half: accessibility_localization
  {
    title: 'Show the wedding website in two languages',
    description:
      "My family speaks French and my partner's family speaks English, so our wedding site in Montreal needs both. I'd like to write each section in both languages and let guests switch with one click. At the moment we're cramming both languages onto every page.",
    category: 'accessibility_localization',
    urgency: 'medium',
    painPoints: ['Both languages crammed on each page'],
    authorType: 'couple',
    weddingContext: { guestCount: 150, country: 'CA', timeZone: 'America/Toronto' },
  },
  {
    title: 'Show budget amounts in Indian number format',
    description:
      'Our budget is around 40 lakh rupees and the app shows amounts like 4,000,000, which my parents find confusing. Indian digit grouping with lakh and crore would make it readable for the whole family.',
    category: 'accessibility_localization',
    urgency: 'medium',
    painPoints: ['Confusing digit grouping for parents'],
    authorType: 'couple',
    weddingContext: { guestCount: 200, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Screen reader support for the RSVP form',
    description:
      "As a planner, I had a blind guest at one of my weddings who could not use the RSVP form with a screen reader. Buttons have no labels and the meal choices aren't announced. Guests with visual impairments are simply locked out.",
    category: 'accessibility_localization',
    urgency: 'high',
    painPoints: ['Unlabelled buttons', "Blind guests can't reply"],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 150, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: "Dates in the format of the wedding's country",
    description:
      'The app shows our wedding date as 06/09, which Germans read as the 6th of September, but it means June 9th. Using the local date format would prevent confusion for our guests.',
    category: 'accessibility_localization',
    urgency: 'low',
    painPoints: ['Ambiguous dates'],
    authorType: 'couple',
    weddingContext: { guestCount: 90, country: 'DE', timeZone: 'Europe/Berlin' },
  },
  {
    title: 'Right-to-left layout for Arabic text',
    description:
      "Half of our guests read Arabic, and our invitation text looks broken because the layout doesn't support right-to-left. Proper Arabic support would let us send a single invitation to everyone.",
    category: 'accessibility_localization',
    urgency: 'medium',
    painPoints: ['Arabic text displays broken'],
    authorType: 'couple',
    weddingContext: { guestCount: 80, country: 'AE', timeZone: 'Asia/Dubai' },
  },
  {
    title: 'Larger text and high-contrast mode',
    description:
      'My grandparents want to help with the guest list but find the small grey text impossible to read. A high-contrast, larger text option would let them take part in the planning.',
    category: 'accessibility_localization',
    urgency: 'medium',
    painPoints: ['Small grey text'],
    authorType: 'couple',
    weddingContext: { guestCount: 120, country: 'JM', timeZone: 'America/Jamaica' },
  },
  {
    title: 'Spanish version of the supplier dashboard',
    description: "As a florist in Puebla, I work mostly in Spanish and the supplier dashboard is only in English. My staff can't use it without my help.",
    category: 'accessibility_localization',
    urgency: 'low',
    painPoints: ['English-only dashboard'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 100, country: 'MX', timeZone: 'America/Mexico_City' },
  },
  // --- First half: contracts_documents
  {
    title: 'E-signature for supplier contracts',
    description:
      'As a wedding videographer, I still send PDF contracts that couples have to print, sign, scan and send back. Half of them get stuck at the printing step and bookings are delayed for weeks. Letting couples sign my contract inside the platform would fix that.',
    category: 'contracts_documents',
    urgency: 'high',
    painPoints: ['Print, sign, scan delays', 'Bookings stuck for weeks'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 120, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Store all supplier contracts in one folder',
    description:
      "We have contracts from nine suppliers spread across two inboxes and our downloads folders. I'd like one document area per wedding where both of us can find them.",
    category: 'contracts_documents',
    urgency: 'medium',
    painPoints: ['Contracts scattered everywhere'],
    authorType: 'couple',
    weddingContext: { guestCount: 140, country: 'ID', timeZone: 'Asia/Makassar' },
  },
  {
    title: 'Contract templates with my standard terms',
    description:
      "As a caterer in Sydney, I use the same terms in every contract, with only the menu and price changing. Templates with fields for the couple's details would save me an hour per booking.",
    category: 'contracts_documents',
    urgency: 'medium',
    painPoints: ['An hour per contract'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 180, country: 'AU', timeZone: 'Australia/Sydney' },
  },
  {
    title: 'Highlight cancellation terms in each contract',
    description:
      'I signed a venue contract without noticing the cancellation fees. A summary of the key dates and cancellation terms for each contract would protect couples like us.',
    category: 'contracts_documents',
    urgency: 'medium',
    painPoints: ['Missed cancellation clauses'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'IE', timeZone: 'Europe/Dublin' },
  },
  {
    title: 'Legal paperwork checklist for marrying abroad',
    description:
      "We're British but marrying in France, which needs documents like a certificate of celibacy and official translations. A checklist of legal paperwork for the country we're marrying in would be invaluable.",
    category: 'contracts_documents',
    urgency: 'low',
    painPoints: ['Unfamiliar foreign paperwork'],
    authorType: 'couple',
    weddingContext: { guestCount: 90, country: 'FR', timeZone: 'Europe/Paris' },
  },
  {
    title: 'Contract amendments with version history',
    description:
      'As a planner in Goa, I see contracts change several times as guest counts and menus shift. I need each amendment recorded as a new version with both signatures. Right now we lose track of which version is final.',
    category: 'contracts_documents',
    urgency: 'medium',
    painPoints: ['Unclear final version'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Secure storage for our marriage licence papers',
    description:
      'We want to store our marriage licence application and supporting documents securely in the app. It would stop us hunting for them in the weeks before the wedding.',
    category: 'contracts_documents',
    urgency: 'low',
    painPoints: ['Hunting for documents'],
    authorType: 'couple',
    weddingContext: { guestCount: 60, country: 'NZ', timeZone: 'Pacific/Auckland' },
  },
  // --- First half: photos_media
  {
    title: 'Shared album where guests upload their photos',
    description:
      "I'd love all our guests to add the photos they take at our wedding in Edinburgh to one shared album. Otherwise they'll be scattered across dozens of phones and group chats and we'll never see most of them. A simple upload page without an account would be ideal.",
    category: 'photos_media',
    urgency: 'medium',
    painPoints: ['Photos scattered across phones', "Guests won't create accounts"],
    authorType: 'couple',
    weddingContext: { guestCount: 150, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Deliver the final gallery through the platform',
    description:
      "As a wedding photographer, I deliver galleries through a separate service and couples lose the link. I'd like to deliver the gallery inside their wedding account, with download options.",
    category: 'photos_media',
    urgency: 'medium',
    painPoints: ['Couples lose the gallery link'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 120, country: 'US', timeZone: 'America/Los_Angeles' },
  },
  {
    title: 'Mood board couples can share with suppliers',
    description:
      "As a florist in Cork, I hear couples describe their style in words like 'wild but elegant', which means something different to everyone. A mood board where couples pin pictures of flowers and colours, shared with me, would make our first consultation far more productive.",
    category: 'photos_media',
    urgency: 'low',
    painPoints: ['Style is hard to describe in words', 'Unproductive first consultations'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 90, country: 'IE', timeZone: 'Europe/Dublin' },
  },
  {
    title: 'Large video file uploads for wedding films',
    description:
      "As a videographer in Jaipur, I produce wedding films and highlight reels that are often 20 to 40 gigabytes. Uploads fail above 2 gigabytes, so I can't deliver through the platform.",
    category: 'photos_media',
    urgency: 'high',
    painPoints: ['Uploads fail on big files'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Mark favourite photos to choose the album',
    description:
      'Our photographer sent 800 images and asked us to pick 60 for the album. Being able to mark favourites together and share the selection would make it much easier.',
    category: 'photos_media',
    urgency: 'medium',
    painPoints: ['Choosing 60 from 800 photos'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'AU', timeZone: 'Australia/Melbourne' },
  },
  {
    title: 'Automatic watermarks on preview images',
    description:
      'As a photographer in Sicily, I share previews before the final balance is paid and want them watermarked automatically. Adding watermarks by hand to every image takes me an afternoon.',
    category: 'photos_media',
    urgency: 'low',
    painPoints: ['Manual watermarking'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 80, country: 'IT', timeZone: 'Europe/Rome' },
  },
  {
    title: 'Livestream the ceremony for family abroad',
    description:
      "My grandmother in Lisbon can't travel to our wedding in Stellenbosch. A livestream link on our wedding site would let her watch the vows live with the rest of us.",
    category: 'photos_media',
    urgency: 'medium',
    painPoints: ["Family can't travel"],
    authorType: 'couple',
    weddingContext: { guestCount: 60, country: 'ZA', timeZone: 'Africa/Johannesburg' },
  },
  // --- Second half: guest_management
  // near-duplicate of: Import guest list from a spreadsheet
  {
    title: 'Upload my guest list as a CSV or XLSX file',
    description:
      'I already have all 130 of our guests in a spreadsheet on my laptop, including mailing addresses for the invitations. Please let me drop that file in and have the names, addresses and meal notes land in the right places. Adding them one by one on my phone is painfully slow.',
    category: 'guest_management',
    urgency: 'medium',
    painPoints: ['Manual entry on a phone', 'Addresses already in a spreadsheet'],
    authorType: 'couple',
    weddingContext: { guestCount: 130, country: 'CA', timeZone: 'America/Toronto' },
  },
  {
    title: 'Merge duplicate guests entered by both partners',
    description:
      'As a planner in Johannesburg, I often find that each partner added the same aunts and cousins, so the list shows 250 when the real number is nearer 210. The app should spot likely duplicates by name and address and let me merge them. Catering quotes go wrong when the count is inflated.',
    category: 'guest_management',
    urgency: 'medium',
    painPoints: ['Inflated headcount', 'Same person entered twice'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 250, country: 'ZA', timeZone: 'Africa/Johannesburg' },
  },
  {
    title: 'Note how each guest is connected to us',
    description:
      "For our wedding in Seville, my parents invited people I barely know. I want a short note on each guest, like 'my dad's colleague', so I can greet them properly and place them sensibly. It would also help my partner learn who everyone is.",
    category: 'guest_management',
    urgency: 'low',
    painPoints: ['Not knowing who distant guests are'],
    authorType: 'couple',
    weddingContext: { guestCount: 80, country: 'ES', timeZone: 'Europe/Madrid' },
  },
  {
    title: 'Guest counts per event for multi-day weddings',
    description:
      'As a wedding planner in Mumbai, I run weddings with a mehndi, sangeet, ceremony and reception across three days, and not every guest attends every event. I need one guest list where I can tick which events each person is invited to and get a count per event. Today I maintain four separate lists and they drift apart.',
    category: 'guest_management',
    urgency: 'high',
    painPoints: ['Four lists that drift apart', 'Per-event catering counts'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 550, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Track mailing addresses for save-the-dates and thank-you cards',
    description:
      "We're mailing save-the-dates, invitations and later thank-you cards to 110 guests. I want a mailing address stored with each guest and a way to see who still has none. Chasing missing addresses over messages is taking weeks.",
    category: 'guest_management',
    urgency: 'medium',
    painPoints: ['Missing mailing addresses', 'Chasing addresses by message'],
    authorType: 'couple',
    weddingContext: { guestCount: 110, country: 'US', timeZone: 'America/Los_Angeles' },
  },
  {
    title: 'Archive removed guests instead of deleting them',
    description:
      "We cut our Amalfi coast list to 35 people and I deleted some names, then regretted it when we had space again. I'd like removed guests to go into an archive I can restore from. Losing their details meant asking for addresses all over again.",
    category: 'guest_management',
    urgency: 'low',
    painPoints: ["Deleted guests can't be restored"],
    authorType: 'couple',
    weddingContext: { guestCount: 35, country: 'IT', timeZone: 'Europe/Rome' },
  },
  {
    title: 'Printable check-in list for the door on the day',
    description:
      "As a venue manager in Sao Paulo, I have our security team check names at the entrance for every wedding of 200 or more. I want to print a check-in list sorted by surname with the table number next to each name. At the moment we build it manually from the couple's file the night before.",
    category: 'guest_management',
    urgency: 'medium',
    painPoints: ['Manual check-in list the night before', 'Guests arriving without table numbers'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'BR', timeZone: 'America/Sao_Paulo' },
  },
  // --- Second half: rsvp
  // near-duplicate of: Let guests pick their meal when they RSVP
  {
    title: 'Menu choice on the online reply form',
    description:
      "Our caterer in Whistler wants to know in advance how many guests want the salmon, the chicken or the mushroom wellington. I'd like the reply form to include the menu so people pick their dinner when they confirm. Sending a second form just for meals has been confusing for everyone.",
    category: 'rsvp',
    urgency: 'medium',
    painPoints: ['Second form for meals confuses guests', 'Caterer needs counts early'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'CA', timeZone: 'America/Vancouver' },
  },
  {
    title: 'Separate RSVP for day guests and evening guests',
    description:
      'As a venue coordinator, I host many weddings with day guests and evening-only guests on different invitations. The RSVP should know which part of the day each guest is invited to and only ask about that. Evening guests keep accepting the wedding breakfast by mistake.',
    category: 'rsvp',
    urgency: 'high',
    painPoints: ['Evening guests accept the meal by mistake'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 180, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'RSVP codes so only invited guests can reply',
    description:
      "Our invitation link was forwarded around a family group chat and we received replies from people we never invited. I want each invitation to carry a code so only the intended household can respond, with the right number of seats. Turning people away after they've replied is awful.",
    category: 'rsvp',
    urgency: 'high',
    painPoints: ['Forwarded links bring strangers', 'Awkward to reverse an RSVP'],
    authorType: 'couple',
    weddingContext: { guestCount: 200, country: 'ZA', timeZone: 'Africa/Johannesburg' },
  },
  {
    title: 'Song requests on the RSVP',
    description:
      "We'd love guests to suggest one song that will get them dancing when they reply. Our DJ in Lisbon is happy to use the list, but we have nowhere to collect it. It's a small touch, but it would make our 40-person party feel personal.",
    category: 'rsvp',
    urgency: 'low',
    painPoints: ['No place to collect song requests'],
    authorType: 'couple',
    weddingContext: { guestCount: 40, country: 'PT', timeZone: 'Europe/Lisbon' },
  },
  {
    title: 'Export RSVP answers in a format caterers can use',
    description:
      'As a caterer in Colorado, I get RSVP data as screenshots or pasted lists and spend an hour per wedding turning it into a kitchen sheet. An export with guest name, table, meal choice and allergies in columns would be enough. It would cut mistakes on the night too.',
    category: 'rsvp',
    urgency: 'medium',
    painPoints: ['Screenshots instead of data', 'An hour of retyping per wedding'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 140, country: 'US', timeZone: 'America/Denver' },
  },
  {
    title: "Ask for the plus-one's name on the RSVP",
    description:
      "When guests bring a partner, we only see 'plus one' with no name, which makes place cards and the seating plan impossible. For our wedding in Hamburg I want the RSVP to ask for the plus-one's full name. Asking everyone again later is embarrassing.",
    category: 'rsvp',
    urgency: 'medium',
    painPoints: ['Place cards without names', 'Asking guests twice'],
    authorType: 'couple',
    weddingContext: { guestCount: 75, country: 'DE', timeZone: 'Europe/Berlin' },
  },
  {
    title: 'Let photographers see who accepted for group shots',
    description:
      "As a wedding photographer, I build a group-shot list with the couple weeks ahead and sometimes include relatives who declined. A simple view of who accepted would let me plan realistic family groups. Last season I spent ten minutes calling for an uncle who wasn't there.",
    category: 'rsvp',
    urgency: 'low',
    painPoints: ['Group shots include absent guests'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 120, country: 'FR', timeZone: 'Europe/Paris' },
  },
  {
    title: 'RSVP page freezes for households of more than ten',
    description:
      'Our RSVP page freezes on older phones when a household has more than ten people, which is common in our family. The wedding in Hyderabad is five weeks away and the hotel needs room and dinner numbers. Several uncles have told me the page just goes blank.',
    category: 'rsvp',
    urgency: 'critical',
    painPoints: ['Page goes blank for large households', 'Hotel numbers due soon'],
    authorType: 'couple',
    weddingContext: { guestCount: 300, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  // --- Second half: seating
  // near-duplicate of: Drag-and-drop seating chart builder
  {
    title: 'Visual table plan where I can move guests between tables',
    description:
      "For our reception in Ottawa I need to see all fourteen tables as circles and move people from one to another with my mouse or finger. A plain list of names per table doesn't let me picture the room at all. I keep redrawing the plan on paper every time someone declines.",
    category: 'seating',
    urgency: 'high',
    painPoints: ['Plain lists, no picture of the room', 'Redrawing on paper'],
    authorType: 'couple',
    weddingContext: { guestCount: 140, country: 'CA', timeZone: 'America/Toronto' },
  },
  {
    title: 'Show access needs on the seating chart',
    description:
      "As a venue coordinator, I need to know which guests use wheelchairs or need to sit near an exit or the toilets. If those needs showed up on the seating chart, we'd place tables and ramps correctly. We currently learn about them when guests arrive.",
    category: 'seating',
    urgency: 'medium',
    painPoints: ['Access needs discovered on arrival'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 180, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Sweetheart table and other top table layouts',
    description:
      "We don't want a traditional top table; we'd like a sweetheart table for two with our families nearby. The tool only allows one head table in a fixed position. More layout choices would help for our reception near Lyon.",
    category: 'seating',
    urgency: 'medium',
    painPoints: ['Only one head table style'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'FR', timeZone: 'Europe/Paris' },
  },
  {
    title: 'Seating for the ceremony, not just the reception',
    description:
      'Our ceremony in Crete has reserved seats for grandparents and close family in the first rows, and the ushers need a chart. The seating tool only covers reception tables. A simple layout of ceremony rows would be enough.',
    category: 'seating',
    urgency: 'low',
    painPoints: ['Ushers have no ceremony chart', 'Only reception tables supported'],
    authorType: 'couple',
    weddingContext: { guestCount: 90, country: 'GR', timeZone: 'Europe/Athens' },
  },
  {
    title: 'Lock tables once they are agreed',
    description:
      'As a wedding planner in Dubai, I work on seating with the couple and their parents, and someone always moves guests on a table we already agreed. I want to lock finished tables so only I can change them. At 300 guests, a single change can ripple across the whole plan.',
    category: 'seating',
    urgency: 'medium',
    painPoints: ['Agreed tables changed by relatives', 'Changes ripple across the plan'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 300, country: 'AE', timeZone: 'Asia/Dubai' },
  },
  {
    title: 'Search for a guest on the seating chart',
    description:
      "When my mum asks where her friend is sitting, I have to scan every table. I'd like to type a name and have their seat highlighted. It sounds small, but I do it ten times a day.",
    category: 'seating',
    urgency: 'medium',
    painPoints: ['Scanning every table for one name'],
    authorType: 'couple',
    weddingContext: { guestCount: 75, country: 'NZ', timeZone: 'Pacific/Auckland' },
  },
  {
    title: 'Seating changes by co-planners are not saved',
    description:
      'As a planner in Singapore, I edited the seating for a 220-guest banquet and the couple saw the old version on their phone the next morning. We nearly printed the wrong escort cards. Edits from different people need to save reliably and show up for everyone straight away.',
    category: 'seating',
    urgency: 'critical',
    painPoints: ['Lost edits between co-planners', 'Nearly printed wrong cards'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 220, country: 'SG', timeZone: 'Asia/Singapore' },
  },
  // --- Second half: budget_payments
  // near-duplicate of: Payment reminders before supplier deposits are due
  {
    title: 'Alert me when a vendor instalment is coming up',
    description:
      'Our caterer, band and venue all take payments in instalments, and I keep losing track of which one is next. Please notify me a few days before any vendor payment is due so we can move money in time. We were charged a late fee last month for a payment I completely forgot.',
    category: 'budget_payments',
    urgency: 'high',
    painPoints: ['Late fee for a forgotten payment', 'Instalments from several vendors'],
    authorType: 'couple',
    weddingContext: { guestCount: 160, country: 'US', timeZone: 'America/Chicago' },
  },
  {
    title: 'Plan tips for suppliers on the day',
    description:
      "Where we live it's normal to tip the caterers, drivers and band, and we want envelopes ready. I'd like a list of who to tip, how much, and who will hand it over. Our wedding in Savannah is in June.",
    category: 'budget_payments',
    urgency: 'low',
    painPoints: ['No plan for tipping on the day'],
    authorType: 'couple',
    weddingContext: { guestCount: 120, country: 'US', timeZone: 'America/New_York' },
  },
  {
    title: 'Invoices with VAT shown separately',
    description:
      "As a florist in Bordeaux, I must show VAT separately on invoices along with my business registration. The platform's invoices don't, so I still send my own. Proper VAT invoices would let me handle everything in one place.",
    category: 'budget_payments',
    urgency: 'medium',
    painPoints: ['Invoices missing VAT', 'Duplicate invoicing'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 90, country: 'FR', timeZone: 'Europe/Paris' },
  },
  {
    title: 'Savings goal with a monthly contribution tracker',
    description:
      "We're saving for our wedding in Tulum over eighteen months. I'd like to set a target and see how much we need to put aside each month to get there. It would keep us motivated and realistic.",
    category: 'budget_payments',
    urgency: 'low',
    painPoints: ['No link between savings and budget'],
    authorType: 'couple',
    weddingContext: { guestCount: 250, country: 'MX', timeZone: 'America/Cancun' },
  },
  {
    title: 'Track refundable damage deposits',
    description:
      "As a venue owner in Nova Scotia, I take a damage deposit from every couple and refund it after the event. I'd like to record it separately from the hire fee and mark when it's returned. Couples often think it was forgotten.",
    category: 'budget_payments',
    urgency: 'low',
    painPoints: ['Deposit confused with the hire fee', 'Couples unsure about refunds'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 140, country: 'CA', timeZone: 'America/Halifax' },
  },
  {
    title: 'Attach receipts to each expense',
    description:
      "I keep photos of receipts in my camera roll and can never find them when we reconcile. Being able to attach the photo to each expense would make everything tidy. Our wedding in Gothenburg is small, but we've still got dozens of receipts.",
    category: 'budget_payments',
    urgency: 'medium',
    painPoints: ['Receipts lost in the camera roll'],
    authorType: 'couple',
    weddingContext: { guestCount: 65, country: 'SE', timeZone: 'Europe/Stockholm' },
  },
  {
    title: 'Budget total wrong after deleting an expense',
    description:
      "I deleted a duplicate catering line and the remaining budget didn't change, so now the app says we have 4,000 dollars more than we do. We're about to pay the final balances and I can't trust the numbers. Totals need to recalculate whenever an expense is removed.",
    category: 'budget_payments',
    urgency: 'critical',
    painPoints: ["Totals don't update", "Can't trust the remaining balance"],
    authorType: 'couple',
    weddingContext: { guestCount: 110, country: 'AU', timeZone: 'Australia/Sydney' },
  },
  {
    title: "Itemised supplier quotes that feed the couple's budget",
    description:
      "As a caterer in Rio de Janeiro, I see couples misread my quotes because service charge, drinks and staff are lumped together. I'd like a quote format with itemised lines that flow straight into their budget. It would avoid tense conversations close to the wedding.",
    category: 'budget_payments',
    urgency: 'medium',
    painPoints: ['Quotes misread by couples', 'Tense conversations about costs'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'BR', timeZone: 'America/Sao_Paulo' },
  },
  // --- Second half: vendor_management
  {
    title: 'Request compliance documents from suppliers in one place',
    description:
      "As a planner in Sydney, I need every supplier's public liability insurance and food hygiene certificate before the venue will let them on site. Chasing them by message for each wedding takes hours. A document request with deadlines would save me.",
    category: 'vendor_management',
    urgency: 'medium',
    painPoints: ['Chasing insurance certificates', 'Venues require documents'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 180, country: 'AU', timeZone: 'Australia/Sydney' },
  },
  {
    title: 'Filter suppliers by language spoken',
    description:
      "We're a Portuguese-German couple and want a celebrant and photographer who speak both languages. Being able to filter suppliers by language would save a lot of messages back and forth.",
    category: 'vendor_management',
    urgency: 'low',
    painPoints: ['Language barrier with suppliers'],
    authorType: 'couple',
    weddingContext: { guestCount: 50, country: 'PT', timeZone: 'Europe/Lisbon' },
  },
  {
    title: 'Load-in slots for each supplier',
    description:
      'As a venue coordinator in Arizona, I need to know when the florist, band and caterer arrive and how long their setup takes. Overlapping load-ins cause traffic jams at our single loading dock. A setup slot per supplier would let me schedule them properly.',
    category: 'vendor_management',
    urgency: 'medium',
    painPoints: ['One loading dock, many suppliers'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 120, country: 'US', timeZone: 'America/Phoenix' },
  },
  {
    title: 'Preferred suppliers recommended by our venue',
    description:
      "Our venue in the Winelands has a list of preferred suppliers, but it's a PDF. If the venue could link their recommended suppliers to our account, we'd book faster. We also want to know which ones have worked there before.",
    category: 'vendor_management',
    urgency: 'medium',
    painPoints: ['Preferred supplier list is a PDF'],
    authorType: 'couple',
    weddingContext: { guestCount: 160, country: 'ZA', timeZone: 'Africa/Johannesburg' },
  },
  {
    title: "Assign tasks to suppliers and see when they're done",
    description:
      "As a planner in Chennai managing 15 suppliers per wedding, I want to assign tasks like 'stage backdrop delivered by 4pm' and see when they're marked complete. Right now I call each one to check. At weddings of 300 guests, one missed task is very visible.",
    category: 'vendor_management',
    urgency: 'high',
    painPoints: ['Calling each supplier to check', 'Missed tasks on the day'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 300, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Keep every supplier conversation in one thread',
    description:
      "I've talked to our photographer over chat, email and calls, and I can never find what we agreed about the timing. One thread per supplier inside the app would keep everything together.",
    category: 'vendor_management',
    urgency: 'low',
    painPoints: ['Agreements scattered across apps'],
    authorType: 'couple',
    weddingContext: { guestCount: 85, country: 'DE', timeZone: 'Europe/Berlin' },
  },
  {
    title: 'Backup supplier list in case someone cancels',
    description:
      "As a planner in Mexico City, I once lost a photographer two days before a wedding due to illness. I'd like to keep a list of backup suppliers per category attached to each wedding so I can act quickly. It would give couples peace of mind too.",
    category: 'vendor_management',
    urgency: 'medium',
    painPoints: ['Last-minute supplier cancellations'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 100, country: 'MX', timeZone: 'America/Mexico_City' },
  },
  // --- Second half: timeline_planning
  // near-duplicate of: Shareable run-of-day schedule for all suppliers
  {
    title: 'One timeline that every vendor can see',
    description:
      "As a venue coordinator, I'm always asked by the DJ, the caterer and the photographer what time dinner starts or when the speeches happen. I'd love a single day-of timeline the couple builds that all their vendors can open, always up to date. It would save everyone from working off different printouts.",
    category: 'timeline_planning',
    urgency: 'high',
    painPoints: ['Vendors working from different printouts', 'Repeated questions on the day'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'US', timeZone: 'America/Chicago' },
  },
  {
    title: 'Plan the whole wedding weekend, not just the day',
    description:
      'Our wedding in Provence includes a welcome dinner on Friday and a pool brunch on Sunday. The timeline only covers the wedding day itself. I want to plan the whole weekend in one view.',
    category: 'timeline_planning',
    urgency: 'medium',
    painPoints: ['Timeline covers only one day'],
    authorType: 'couple',
    weddingContext: { guestCount: 90, country: 'FR', timeZone: 'Europe/Paris' },
  },
  {
    title: 'Warn about missing travel time between events',
    description:
      "As a destination planner in Mykonos, I see couples schedule the ceremony to end at 5 and photos to start at 5 on the other side of the island. I'd like the timeline to warn when there's no travel or buffer time between items in different locations.",
    category: 'timeline_planning',
    urgency: 'low',
    painPoints: ['Unrealistic back-to-back timings'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 45, country: 'GR', timeZone: 'Europe/Athens' },
  },
  {
    title: 'Role-based timeline views for the bridal party',
    description:
      'As a planner in Durban, I need the bridesmaids, groomsmen and ushers each to see only the parts of the day that involve them. A full timeline of 60 items overwhelms them and they miss their cues.',
    category: 'timeline_planning',
    urgency: 'medium',
    painPoints: ['Bridal party misses cues'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 170, country: 'ZA', timeZone: 'Africa/Johannesburg' },
  },
  {
    title: "Days left and this week's tasks on the home screen",
    description:
      'When I open the app I just want to see how many days are left and the three tasks I should do this week. Our wedding in Valencia is 100 days away and I feel lost in the full list.',
    category: 'timeline_planning',
    urgency: 'medium',
    painPoints: ['Lost in the full task list'],
    authorType: 'couple',
    weddingContext: { guestCount: 110, country: 'ES', timeZone: 'Europe/Madrid' },
  },
  {
    title: 'Change history on the timeline',
    description:
      'As a planner in Curitiba, I need to know who moved the cake cutting from 9pm to 10pm. A change history on the timeline, showing who edited what and when, would stop the blame game.',
    category: 'timeline_planning',
    urgency: 'low',
    painPoints: ['No record of who changed what'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 130, country: 'BR', timeZone: 'America/Sao_Paulo' },
  },
  {
    title: 'Timeline shows the wrong times to guests abroad',
    description:
      "Our wedding is in Dubai but half our guests live in London, and the timeline shows times in each viewer's local time. My family in England thinks the ceremony starts at 1pm instead of 4pm. Event times must always be shown in the wedding's time zone.",
    category: 'timeline_planning',
    urgency: 'critical',
    painPoints: ["Times shown in the viewer's zone", 'Guests confused about start time'],
    authorType: 'couple',
    weddingContext: { guestCount: 200, country: 'AE', timeZone: 'Asia/Dubai' },
  },
  // --- Second half: communication
  // near-duplicate of: Send group text updates to all guests on the day
  {
    title: 'Broadcast last-minute changes to every guest at once',
    description:
      "Our outdoor ceremony in the Lake District might move indoors if it rains, and I'll only know that morning. I need a way to push one announcement to all 130 guests instantly, ideally as a text. Relying on word of mouth means someone will end up at the wrong place.",
    category: 'communication',
    urgency: 'high',
    painPoints: ['Weather can change the plan', 'Word of mouth is unreliable'],
    authorType: 'couple',
    weddingContext: { guestCount: 130, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Shared inbox for my planning team',
    description:
      "As a planning business with three coordinators, we find that messages from couples go to whoever they first contacted. A shared inbox with assignment would make sure nobody's question is missed when someone is on leave.",
    category: 'communication',
    urgency: 'medium',
    painPoints: ['Messages stuck with one colleague'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'US', timeZone: 'America/New_York' },
  },
  {
    title: 'Attach photos and files to messages',
    description:
      'Our florist in Florence asked for photos of my dress and the table linen, but I can only send text in the app. Attachments would save me switching to other apps.',
    category: 'communication',
    urgency: 'low',
    painPoints: ['Text-only messages'],
    authorType: 'couple',
    weddingContext: { guestCount: 90, country: 'IT', timeZone: 'Europe/Rome' },
  },
  {
    title: 'Notify suppliers when final numbers change',
    description:
      'As a caterer in Frankfurt, I need to know immediately when final numbers change. An automatic notice to all booked suppliers whenever the confirmed count changes would prevent wrong orders.',
    category: 'communication',
    urgency: 'high',
    painPoints: ['Late notice of number changes'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 140, country: 'DE', timeZone: 'Europe/Berlin' },
  },
  {
    title: 'Thank-you note tracker',
    description:
      "After our wedding in Guadalajara, I want to track who we've sent thank-you notes to and for which gift. A list with a tick box next to each guest and gift would stop us missing anyone.",
    category: 'communication',
    urgency: 'medium',
    painPoints: ['Missing thank-you notes'],
    authorType: 'couple',
    weddingContext: { guestCount: 70, country: 'MX', timeZone: 'America/Mexico_City' },
  },
  {
    title: 'Pin important messages in a conversation',
    description:
      'As a photographer in Normandy, I see key decisions like the shot list or the start time get buried in long chats with couples. Pinning a message to the top of the conversation would help both of us find it.',
    category: 'communication',
    urgency: 'low',
    painPoints: ['Decisions buried in long chats'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 60, country: 'FR', timeZone: 'Europe/Paris' },
  },
  {
    title: 'Notifications not arriving for new messages',
    description:
      "I've missed several messages from our banquet venue in Singapore because the app never notified me. One was about a menu tasting that we then missed. With six weeks to go, I need to trust that notifications arrive.",
    category: 'communication',
    urgency: 'critical',
    painPoints: ['Missed venue messages', 'Missed menu tasting'],
    authorType: 'couple',
    weddingContext: { guestCount: 180, country: 'SG', timeZone: 'Asia/Singapore' },
  },
  // --- Second half: website_invitations
  {
    title: 'Short custom web address for our wedding site',
    description:
      "We'd like a short, memorable address for our wedding website that we can print on the invitations. The current one is a long string of letters that guests mistype.",
    category: 'website_invitations',
    urgency: 'medium',
    painPoints: ['Long address guests mistype'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'CA', timeZone: 'America/Toronto' },
  },
  {
    title: 'Venue section couples can add to their website',
    description:
      "As a venue, we have maps, parking information and access notes that we'd like shown on the website of every couple who marries here. Letting us publish a venue section they can add would keep information accurate.",
    category: 'website_invitations',
    urgency: 'low',
    painPoints: ["Wrong directions on couples' sites"],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 120, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Dress code section with example pictures',
    description:
      "Our wedding on Lake Como is 'garden formal' and guests keep asking what that means. A dress code section where we can add example pictures would settle it.",
    category: 'website_invitations',
    urgency: 'medium',
    painPoints: ['Guests unsure what to wear'],
    authorType: 'couple',
    weddingContext: { guestCount: 50, country: 'IT', timeZone: 'Europe/Rome' },
  },
  {
    title: 'Countdown on the wedding website',
    description:
      "We're getting married in Iceland with 40 close friends and want a countdown on the website to build excitement. It's a little thing, but guests love it.",
    category: 'website_invitations',
    urgency: 'low',
    painPoints: ['Nothing to keep guests excited'],
    authorType: 'couple',
    weddingContext: { guestCount: 40, country: 'IS', timeZone: 'Atlantic/Reykjavik' },
  },
  {
    title: 'FAQ section on the wedding website',
    description:
      'Our guests are flying into Dubai from six countries and keep asking the same questions about visas, weather and what to wear. A FAQ section we can fill in ourselves would save us answering every message.',
    category: 'website_invitations',
    urgency: 'medium',
    painPoints: ['Same questions from every guest'],
    authorType: 'couple',
    weddingContext: { guestCount: 250, country: 'AE', timeZone: 'Asia/Dubai' },
  },
  {
    title: 'Cash fund and gift registry on the website',
    description:
      'For our wedding in Lagos, many guests want to contribute to our new home instead of buying gifts. A cash fund and registry section on our website would make this easy, especially for guests abroad.',
    category: 'website_invitations',
    urgency: 'medium',
    painPoints: ["Guests abroad can't give gifts easily"],
    authorType: 'couple',
    weddingContext: { guestCount: 180, country: 'NG', timeZone: 'Africa/Lagos' },
  },
  {
    title: 'Website shows the old date after we changed it',
    description:
      "We moved our wedding by one week and updated the date, but the website and the invitation preview still show the old one. We're about to send invitations to 130 guests and can't risk the wrong date.",
    category: 'website_invitations',
    urgency: 'high',
    painPoints: ['Old date still displayed', 'Invitations about to go out'],
    authorType: 'couple',
    weddingContext: { guestCount: 130, country: 'US', timeZone: 'America/Chicago' },
  },
  // --- Second half: mobile_app
  // near-duplicate of: Offline mode for the day-of timeline
  {
    title: 'Use the app without signal at remote venues',
    description:
      "As a planner working at vineyards in the Hunter Valley, I often lose reception for the whole day. The app won't load the run sheet or the supplier list without a connection. Please cache each wedding's key information so it's still there when I'm out of range.",
    category: 'mobile_app',
    urgency: 'high',
    painPoints: ["Run sheet won't load without connection", 'Whole days out of range'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 220, country: 'AU', timeZone: 'Australia/Sydney' },
  },
  {
    title: 'Quick-add a guest from my phone contacts',
    description:
      "When someone asks at a party if they're invited, I'd love to add them from my phone contacts in two taps. Typing names and addresses on a small screen is fiddly.",
    category: 'mobile_app',
    urgency: 'medium',
    painPoints: ['Typing addresses on a small screen'],
    authorType: 'couple',
    weddingContext: { guestCount: 90, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Choose which notifications I receive',
    description:
      'I want alerts about RSVPs but not every budget change my partner makes. Choosing which notifications I get would stop me muting the app altogether.',
    category: 'mobile_app',
    urgency: 'low',
    painPoints: ['Too many notifications'],
    authorType: 'couple',
    weddingContext: { guestCount: 75, country: 'PL', timeZone: 'Europe/Warsaw' },
  },
  {
    title: 'Shot list with tick boxes on my phone',
    description:
      "As a wedding photographer, I work from a shot list the couple and I agree on. On the day I'd like it on my phone with tick boxes, so my second shooter and I can both see what's done.",
    category: 'mobile_app',
    urgency: 'medium',
    painPoints: ['Paper shot lists get lost'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 160, country: 'US', timeZone: 'America/Chicago' },
  },
  {
    title: 'Scan paper reply cards with the phone camera',
    description:
      "Many of our older relatives in Cebu returned paper reply cards. I'd like to snap a photo of each card and have the app fill in their response. Typing 200 replies by hand is tedious.",
    category: 'mobile_app',
    urgency: 'medium',
    painPoints: ['Paper replies typed by hand'],
    authorType: 'couple',
    weddingContext: { guestCount: 200, country: 'PH', timeZone: 'Asia/Manila' },
  },
  {
    title: 'Landscape mode for the seating plan on phones',
    description:
      "As a venue manager in Rotorua, I check seating plans on my phone during setup. The plan is cramped in portrait and doesn't rotate. Landscape support would make it readable.",
    category: 'mobile_app',
    urgency: 'low',
    painPoints: ['Cramped plan in portrait'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 100, country: 'NZ', timeZone: 'Pacific/Auckland' },
  },
  {
    title: 'App crashes when opening the guest list',
    description:
      "Since the last update, the app closes as soon as I open our guest list of 120 people. Invitations go out this weekend and I can't check addresses. It works on the website but not on my phone.",
    category: 'mobile_app',
    urgency: 'critical',
    painPoints: ['Crash on opening guest list', 'Invitations due this weekend'],
    authorType: 'couple',
    weddingContext: { guestCount: 120, country: 'CA', timeZone: 'America/Toronto' },
  },
  // --- Second half: integrations
  // near-duplicate of: Two-way calendar sync for supplier bookings
  {
    title: 'Keep my booking calendar in step with the wedding platform',
    description:
      "As a celebrant in Victoria, I run my diary in a calendar app and also mark weddings here, and the two drift out of sync. When a couple books a date on the platform it should show in my calendar, and my days off should show as unavailable here. I've had two near misses this year.",
    category: 'integrations',
    urgency: 'medium',
    painPoints: ['Diary and platform drift apart', 'Near-miss double bookings'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 120, country: 'AU', timeZone: 'Australia/Melbourne' },
  },
  {
    title: 'Sync wedding tasks with my to-do app',
    description:
      'I manage my whole life in a to-do app, and the wedding checklist lives separately. Syncing wedding tasks into it would mean I actually see them every day.',
    category: 'integrations',
    urgency: 'medium',
    painPoints: ['Checklist separate from my to-do app'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'MU', timeZone: 'Indian/Mauritius' },
  },
  {
    title: 'Send final numbers to my kitchen ordering system',
    description:
      "As a caterer in Pretoria, I order ingredients through a kitchen management system. If final guest numbers and meal choices flowed into it automatically, I'd avoid over-ordering and last-minute shortages.",
    category: 'integrations',
    urgency: 'medium',
    painPoints: ['Over-ordering ingredients'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 180, country: 'ZA', timeZone: 'Africa/Johannesburg' },
  },
  {
    title: 'Guest flight details for airport transfer planning',
    description:
      "As a transport company running wedding transfers on the Amalfi coast, we receive guests' flight details in scattered messages. If guests could add their flight number when they reply, I could plan pickups from Naples automatically.",
    category: 'integrations',
    urgency: 'medium',
    painPoints: ['Flight details in scattered messages', 'Pickups planned by hand'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 70, country: 'IT', timeZone: 'Europe/Rome' },
  },
  {
    title: 'Documented public API for planning agencies',
    description:
      "As a planning agency in Montreal, we'd like a documented API so our internal tools can read wedding timelines and supplier lists. Manual exports are holding us back.",
    category: 'integrations',
    urgency: 'medium',
    painPoints: ['Manual exports', 'No documented API'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 140, country: 'CA', timeZone: 'America/Toronto' },
  },
  {
    title: 'Pull wedding spending from our bank account',
    description:
      "We'd love our wedding spending to be pulled in from our joint bank account and tagged as wedding costs. Typing every payment into the budget is tedious.",
    category: 'integrations',
    urgency: 'low',
    painPoints: ['Typing every payment'],
    authorType: 'couple',
    weddingContext: { guestCount: 160, country: 'MX', timeZone: 'America/Mexico_City' },
  },
  {
    title: 'Single sign-on for our agency staff',
    description:
      'As a planning company with twelve staff, we need our team to sign in with our company accounts so access is removed when someone leaves. Shared passwords are a real security risk for client data.',
    category: 'integrations',
    urgency: 'high',
    painPoints: ['Shared passwords', 'Leavers keep access'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 200, country: 'GB', timeZone: 'Europe/London' },
  },
  // --- Second half: reporting_analytics
  // near-duplicate of: Enquiry to booking conversion report
  {
    title: 'See how many enquiries turn into bookings',
    description:
      'As a wedding florist, I get a lot of enquiries through the platform but have no idea how many actually become paying couples. A chart showing enquiries against confirmed bookings each month would tell me if my pricing is putting people off.',
    category: 'reporting_analytics',
    urgency: 'medium',
    painPoints: ['No idea how many enquiries book', 'Pricing may be putting couples off'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 130, country: 'US', timeZone: 'America/Chicago' },
  },
  {
    title: 'Printable list of outstanding tasks by person',
    description: 'I want to print a list of what each of us and our parents still need to do. It would make our weekly planning chat much shorter.',
    category: 'reporting_analytics',
    urgency: 'low',
    painPoints: ['Long weekly planning chats'],
    authorType: 'couple',
    weddingContext: { guestCount: 90, country: 'IE', timeZone: 'Europe/Dublin' },
  },
  {
    title: 'Average reply time on my supplier dashboard',
    description:
      "As a videographer, I know replying fast wins bookings, but I don't know my average reply time. A simple figure on my dashboard would keep me honest.",
    category: 'reporting_analytics',
    urgency: 'medium',
    painPoints: ['Slow replies lose bookings'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 150, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'One-click PDF summary of the whole wedding',
    description:
      'My father wants a printed summary of the whole wedding: guest numbers per event, suppliers, payments and the schedule. A one-click PDF report would make him very happy.',
    category: 'reporting_analytics',
    urgency: 'medium',
    painPoints: ['Parents want printed summaries'],
    authorType: 'couple',
    weddingContext: { guestCount: 250, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Trends in my reviews and ratings',
    description:
      "As a hair and makeup artist in Johannesburg, I'd like to see trends in my reviews, like average rating per season and the words couples use most. It would show me what to improve.",
    category: 'reporting_analytics',
    urgency: 'low',
    painPoints: ["Can't see review trends"],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 100, country: 'ZA', timeZone: 'Africa/Johannesburg' },
  },
  {
    title: 'Average cost per guest across my weddings',
    description:
      "As a planner in Singapore, I'd like to see the average cost per guest across my weddings this year. It helps me advise new couples on realistic budgets.",
    category: 'reporting_analytics',
    urgency: 'medium',
    painPoints: ["No benchmark for couples' budgets"],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 180, country: 'SG', timeZone: 'Asia/Singapore' },
  },
  {
    title: "Dashboard RSVP count doesn't match the guest list",
    description:
      "The dashboard says 84 accepted, but when I count the guest list there are 91. Our caterer needs the final number by Monday and I don't know which one is right.",
    category: 'reporting_analytics',
    urgency: 'high',
    painPoints: ['Dashboard and list disagree', 'Caterer deadline on Monday'],
    authorType: 'couple',
    weddingContext: { guestCount: 110, country: 'US', timeZone: 'America/Denver' },
  },
  // --- Second half: accessibility_localization
  // near-duplicate of: Show the wedding website in two languages
  {
    title: 'Let guests switch the invitation site to their own language',
    description:
      "Our guests are split between English speakers and my relatives from Guadalajara, who mostly speak Spanish. I'd like the wedding website to have an English and a Spanish version of every page, with a button at the top to choose. Right now I'm sending my family translated screenshots.",
    category: 'accessibility_localization',
    urgency: 'medium',
    painPoints: ["Relatives can't read the site", 'Sending translated screenshots'],
    authorType: 'couple',
    weddingContext: { guestCount: 110, country: 'US', timeZone: 'America/Los_Angeles' },
  },
  {
    title: 'List venue accessibility features for guests',
    description:
      "As a venue coordinator, I can offer step-free access, a hearing loop and accessible toilets, but there's nowhere to list them. Guests with disabilities need to know before they travel.",
    category: 'accessibility_localization',
    urgency: 'medium',
    painPoints: ['Access features not listed'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 160, country: 'AU', timeZone: 'Australia/Sydney' },
  },
  {
    title: 'Keyboard controls for the seating chart',
    description:
      "I can't use a mouse because of a wrist injury, and the seating chart only works by dragging. Keyboard controls for moving guests would let me finish our plan for the wedding in Nice.",
    category: 'accessibility_localization',
    urgency: 'high',
    painPoints: ['Drag-only controls'],
    authorType: 'couple',
    weddingContext: { guestCount: 70, country: 'FR', timeZone: 'Europe/Paris' },
  },
  {
    title: 'Japanese names display as question marks',
    description:
      'Our guest list includes names written in Japanese script, and the app turns them into question marks on place cards. Names must display correctly everywhere for our wedding in Kyoto.',
    category: 'accessibility_localization',
    urgency: 'medium',
    painPoints: ['Names turn into question marks'],
    authorType: 'couple',
    weddingContext: { guestCount: 70, country: 'JP', timeZone: 'Asia/Tokyo' },
  },
  {
    title: 'Pronunciation notes for guest and family names',
    description:
      'As a marriage officer in Durban, I need to pronounce isiZulu, Afrikaans and other family names correctly during the ceremony. A pronunciation field next to each name would help me and the MC avoid embarrassing mistakes.',
    category: 'accessibility_localization',
    urgency: 'low',
    painPoints: ['Mispronounced family names'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 120, country: 'ZA', timeZone: 'Africa/Johannesburg' },
  },
  {
    title: 'Captions for livestreamed ceremonies',
    description:
      "As a videographer streaming ceremonies for guests abroad, I'm often asked for captions for deaf relatives. Support for live or uploaded captions on streamed video would make weddings more inclusive.",
    category: 'accessibility_localization',
    urgency: 'low',
    painPoints: ['Deaf guests miss the vows'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 60, country: 'IT', timeZone: 'Europe/Rome' },
  },
  {
    title: 'Reduced motion option for animated invitations',
    description:
      "The animated invitation makes my sister dizzy because of a vestibular condition. An option that respects her device's reduced motion setting would let her use our site comfortably.",
    category: 'accessibility_localization',
    urgency: 'low',
    painPoints: ['Animations cause dizziness'],
    authorType: 'couple',
    weddingContext: { guestCount: 90, country: 'SG', timeZone: 'Asia/Singapore' },
  },
  // --- Second half: contracts_documents
  // near-duplicate of: E-signature for supplier contracts
  {
    title: 'Sign vendor agreements online without printing',
    description:
      "We don't own a printer, and every vendor has sent us a contract that needs a handwritten signature. I'd love to sign agreements with our caterer, DJ and florist directly in the app and get a signed copy back. It took us a week to sign the photographer's contract at a print shop.",
    category: 'contracts_documents',
    urgency: 'high',
    painPoints: ['No printer at home', 'A week to sign one contract'],
    authorType: 'couple',
    weddingContext: { guestCount: 100, country: 'CA', timeZone: 'America/Vancouver' },
  },
  {
    title: 'Attach floor plans and technical riders',
    description:
      "As a venue manager in Dubai, I need bands' technical riders and decorators' floor plans before setup. A place to attach them to the wedding, visible to all relevant suppliers, would avoid last-minute surprises.",
    category: 'contracts_documents',
    urgency: 'medium',
    painPoints: ['Riders arrive on the day'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 250, country: 'AE', timeZone: 'Asia/Dubai' },
  },
  {
    title: 'Checklist of what to ask before signing',
    description:
      "Before signing with our suppliers in Malaga, I didn't know what to check, like overtime rates or what happens if it rains. A checklist of questions per supplier type would help couples sign with confidence.",
    category: 'contracts_documents',
    urgency: 'medium',
    painPoints: ['Not knowing what to check'],
    authorType: 'couple',
    weddingContext: { guestCount: 130, country: 'ES', timeZone: 'Europe/Madrid' },
  },
  {
    title: 'Reminders before my insurance certificate expires',
    description:
      "As a caterer in Colorado, I'm asked by venues for my insurance certificate, and I forget when it expires. A reminder before my uploaded documents expire would keep me compliant.",
    category: 'contracts_documents',
    urgency: 'low',
    painPoints: ['Expired certificates'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 80, country: 'US', timeZone: 'America/Denver' },
  },
  {
    title: 'Side-by-side translation of foreign contracts',
    description:
      "Our venue contract in Rhodes is in Greek with an English summary that leaves out half the clauses. A way to view a translation side by side would help us understand what we're signing.",
    category: 'contracts_documents',
    urgency: 'low',
    painPoints: ["Contract in a language we can't read"],
    authorType: 'couple',
    weddingContext: { guestCount: 50, country: 'GR', timeZone: 'Europe/Athens' },
  },
  {
    title: 'Data processing agreement for guest data',
    description:
      "As a wedding planner in Germany, I handle guests' names, dietary and health information and need a data processing agreement with the platform under GDPR. Without it, I can't store guest lists here.",
    category: 'contracts_documents',
    urgency: 'high',
    painPoints: ['No data processing agreement'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 150, country: 'DE', timeZone: 'Europe/Berlin' },
  },
  {
    title: 'Signed contract disappeared from our documents',
    description:
      "Our signed venue contract was in the documents section last week and now it's gone. The venue is disputing what we agreed, and we need that copy urgently.",
    category: 'contracts_documents',
    urgency: 'critical',
    painPoints: ['Signed contract missing', 'Dispute with the venue'],
    authorType: 'couple',
    weddingContext: { guestCount: 110, country: 'GB', timeZone: 'Europe/London' },
  },
  // --- Second half: photos_media
  // near-duplicate of: Shared album where guests upload their photos
  {
    title: "Collect guests' phone pictures in one place",
    description:
      "After my sister's wedding, everyone's candid shots stayed on their own phones and she only got a handful. For our wedding in Detroit, I'd like a QR code on each table that lets guests drop their pictures into one collection for us. Nobody should need to download another app to do it.",
    category: 'photos_media',
    urgency: 'medium',
    painPoints: ["Candid shots stay on guests' phones", 'No extra app downloads'],
    authorType: 'couple',
    weddingContext: { guestCount: 140, country: 'US', timeZone: 'America/Detroit' },
  },
  {
    title: 'Tag suppliers in gallery photos',
    description:
      "As a florist, I'd love photographers to tag my work in the final gallery so I can request those images for my portfolio. Chasing photographers for credits takes forever.",
    category: 'photos_media',
    urgency: 'medium',
    painPoints: ['Chasing photo credits'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 180, country: 'GB', timeZone: 'Europe/London' },
  },
  {
    title: 'Slideshow the couple builds and shares with the AV team',
    description:
      'As a DJ and AV supplier in Wellington, I often get handed a memory stick of photos an hour before dinner. If couples could build their slideshow in the app and share it with me in advance, I could test it on our screens beforehand.',
    category: 'photos_media',
    urgency: 'low',
    painPoints: ['Slideshows handed over at the last minute', 'No time to test on screens'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 70, country: 'NZ', timeZone: 'Pacific/Auckland' },
  },
  {
    title: 'Face search in large galleries',
    description:
      'As a photographer delivering 1,000 images per wedding, I always get guests asking me to find their photos. A face search feature for guests would cut these requests.',
    category: 'photos_media',
    urgency: 'medium',
    painPoints: ['Guests asking to find their photos'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 150, country: 'CA', timeZone: 'America/Toronto' },
  },
  {
    title: 'Order a printed photo book from the gallery',
    description:
      "We'd like to design a photo book from our wedding gallery and order prints for both sets of parents. Right now we'd have to download everything and upload it to another site.",
    category: 'photos_media',
    urgency: 'medium',
    painPoints: ['Downloading and re-uploading photos'],
    authorType: 'couple',
    weddingContext: { guestCount: 200, country: 'IN', timeZone: 'Asia/Kolkata' },
  },
  {
    title: 'Photo consent flag for each guest',
    description:
      "As a photographer in Paris, I know some guests don't want to be published online. A flag on the guest list for photo consent would help me respect that when sharing images.",
    category: 'photos_media',
    urgency: 'low',
    painPoints: ['Unknown photo consent'],
    authorType: 'wedding_supplier',
    weddingContext: { guestCount: 100, country: 'FR', timeZone: 'Europe/Paris' },
  },
  {
    title: 'Gallery downloads fail halfway',
    description:
      "Our photographer delivered our gallery, but downloading it fails after a few hundred images every time. We're scared we'll lose access before we have a copy.",
    category: 'photos_media',
    urgency: 'high',
    painPoints: ['Downloads fail partway'],
    authorType: 'couple',
    weddingContext: { guestCount: 120, country: 'LK', timeZone: 'Asia/Colombo' },
  },
];

export const demoComments: readonly DemoComment[] = [
  {
    content: 'Yes please! We ran into exactly this last month and ended up doing it all in a spreadsheet instead.',
    expertAdvice: false,
    about: ['spreadsheet', 'retyp', 'by hand', 'one at a time'],
  },
  {
    content:
      "As a venue coordinator, I'd suggest making this visible to suppliers too. We usually find out about changes last, and that's when mistakes happen on the day.",
    expertAdvice: true,
    about: ['run-of-day', 'timeline', 'final numbers', 'schedule', 'load-in'],
  },
  {
    content: "Would love this. Our wedding is in October and I'm already dreading doing it by hand.",
    expertAdvice: false,
    about: ['by hand', 'retyp', 'spreadsheet', 'reminder'],
  },
  {
    content: 'Upvoted. My partner and I argued about this for a whole evening, so anything that makes it simpler gets my vote.',
    expertAdvice: false,
    about: ['partner', 'both of us', 'co-planner', 'which side'],
  },
  {
    content: "From a caterer's point of view: whatever you build, please let us export it. Our kitchen works from printed sheets, not screens.",
    expertAdvice: true,
    about: ['caterer', 'meal', 'menu', 'dietary', 'allerg'],
  },
  {
    content: 'Same problem here with a 180-guest wedding in Manchester. It would save me hours.',
    expertAdvice: false,
    about: ['guest list', 'seating', 'table plan', 'household'],
  },
  {
    content: "As a planner, I've seen this go wrong when only one partner has access. Make sure both partners and any helpers can see the same information.",
    expertAdvice: true,
    about: ['partner', 'helper', 'co-planner', 'limited access', 'team'],
  },
  {
    content: 'This would be especially useful for destination weddings where half the guests are travelling from abroad.',
    expertAdvice: false,
    about: ['abroad', 'destination', 'overseas', 'travel', 'flight'],
  },
  {
    content: 'Please make it work on phones. Most of our older relatives only ever open things from a message on their phone.',
    expertAdvice: false,
    about: ['phone', 'sms', 'mobile', 'smartphone'],
  },
  {
    content: 'Photographer here. We deal with this every weekend in summer. A simple version would already be a big improvement over what we do now.',
    expertAdvice: true,
    about: ['photo', 'gallery', 'shot list', 'album'],
  },
  {
    content: 'We had the same issue with our wedding in Cork. In the end my sister did it all on paper.',
    expertAdvice: false,
    about: ['paper', 'print', 'reply card', 'envelope'],
  },
  {
    content: 'Tip from a florist: keep the first version simple. Couples and suppliers both stop using features that need ten fields filled in.',
    expertAdvice: true,
    about: ['custom question', 'checklist', 'form', 'field'],
  },
  {
    content: "+1 from Melbourne. I'd happily pay a little extra for this.",
    expertAdvice: false,
    about: ['deposit', 'payment', 'pay '],
  },
  {
    content: "I didn't realise I needed this until I read the request. Now I can't stop thinking about it.",
    expertAdvice: false,
    about: ['sunset', 'muhurat', 'pronunciation', 'inspiration', 'mood board'],
  },
  {
    content:
      "As a wedding planner for fifteen years, my advice is to include a clear deadline with any reminder. Guests respond far better to 'by Friday' than to 'soon'.",
    expertAdvice: true,
    about: ['reminder', 'deadline', 'rsvp'],
  },
  {
    content: "Our wedding is in three weeks, so it's too late for us, but future couples would really benefit from this.",
    expertAdvice: false,
    about: ['thank-you', 'archive', 'review', 'after the wedding'],
  },
  {
    content: 'Is there a workaround in the meantime? I tried the notes field but it gets messy very quickly.',
    expertAdvice: false,
    about: ['notes', 'note box', 'comments box'],
  },
  {
    content: "Venue manager here. We'd use this for every single wedding we host, which is around 80 a year.",
    expertAdvice: true,
    about: ['venue', 'floor plan', 'room'],
  },
  {
    content: "This is the main reason I'm still using a spreadsheet alongside the app.",
    expertAdvice: false,
    about: ['spreadsheet', 'budget', 'expense', 'cost'],
  },
  {
    content: 'Agreed. My fiance and I both keep separate lists because of this, and they never match.',
    expertAdvice: false,
    about: ['both partners', 'duplicate', 'by both', 'merge', 'partner'],
  },
  {
    content: "As a caterer, I'd add that allergies must never be optional free text. A missed allergy is the one mistake we can't fix on the night.",
    expertAdvice: true,
    about: ['allerg', 'dietary', 'meal', 'menu'],
  },
  {
    content: "We're a same-sex couple and would love the wording to stay neutral, with partner one and partner two rather than bride and groom.",
    expertAdvice: false,
    about: ['partner', 'wording', 'bride and groom'],
  },
  {
    content: 'Big yes from Mumbai. With our family sizes, anything manual becomes impossible very quickly.',
    expertAdvice: false,
    about: ['famil', 'household', 'relatives'],
  },
  {
    content: "As a videographer, I'd suggest letting couples share this with named suppliers only, not everyone, so private details stay private.",
    expertAdvice: true,
    about: ['share with', 'privacy', 'private', 'consent'],
  },
  {
    content: 'It would be great if this also worked for the rehearsal dinner and the day-after brunch, not only the main day.',
    expertAdvice: false,
    about: ['multi-day', 'weekend', 'event', 'ceremony'],
  },
  {
    content: 'My mum keeps asking me for this information every day, so a shareable view would save my sanity.',
    expertAdvice: false,
    about: ['parents', 'mum', 'helper', 'family'],
  },
  {
    content: "Planner's advice: build in an audit trail. When something goes wrong on the day, the first question is always who changed it and when.",
    expertAdvice: true,
    about: ['change history', 'version history', 'history', 'changed', 'amendment'],
  },
  {
    content: 'Voted. Our venue in Tuscany has patchy internet, so please keep it light.',
    expertAdvice: false,
    about: ['slow', 'offline', 'signal', 'internet', 'lighter'],
  },
  {
    content: "I'd love it if this could be switched off for small weddings like ours. With 30 guests we don't need every option.",
    expertAdvice: false,
    about: ['small wedding', 'notifications', 'switch'],
  },
  {
    content: "As a celebrant, I'd ask that the ceremony details are included too. We often get the timings second-hand and they're frequently wrong.",
    expertAdvice: true,
    about: ['ceremony', 'celebrant', 'officiant', 'timeline'],
  },
  {
    content: 'This happened to us too. We only found out a week before and it was a very stressful week.',
    expertAdvice: false,
    about: ['wrong', 'disappeared', 'not saved', 'old date', 'not arriving', 'fail', 'crash', 'freez'],
  },
  {
    content: 'Would this also work for couples who are planning from overseas? We live in Dubai but are marrying in Ireland.',
    expertAdvice: false,
    about: ['abroad', 'overseas', 'time zone', 'foreign', 'marrying'],
  },
  {
    content: 'Stationer here: if you add this, please support proper name formats, including titles, double-barrelled surnames and accents.',
    expertAdvice: true,
    about: ['place card', 'envelope', 'address', 'names'],
  },
  {
    content: "Exactly what we need. I've been copying and pasting between three different apps.",
    expertAdvice: false,
    about: ['copying', 'sync', 'calendar', 'accounting', 'integration', 'connect'],
  },
  {
    content: 'Agree with the other comments. Even a basic version would be better than what we have now.',
    expertAdvice: false,
    about: ['basic', 'simple', 'workaround'],
  },
  {
    content: "As a hair and makeup artist, I'd find this useful for the morning schedule too. Knowing who needs to be ready when makes a huge difference.",
    expertAdvice: true,
    about: ['bridal party', 'morning', 'schedule', 'role'],
  },
  {
    content: "Our wedding planner told us she has the same problem with every couple, so it's clearly not just us.",
    expertAdvice: false,
    about: ['planner', 'agency', 'every couple'],
  },
  {
    content: "Please don't make this a paid add-on. It feels like a basic need for any wedding.",
    expertAdvice: false,
    about: ['paid', 'cost', 'price', 'fee'],
  },
  {
    content:
      "Transport provider's view: include pickup points and times, and give drivers read-only access. Most of our delays come from outdated information.",
    expertAdvice: true,
    about: ['transport', 'airport', 'pickup', 'travel', 'driver'],
  },
  {
    content: 'Love this idea. It would have saved us at least two long calls with our parents.',
    expertAdvice: false,
    about: ['parents', 'families', 'mum', 'both families'],
  },
  {
    content: "We're getting married in Cape Town with guests from five countries, so anything that reduces confusion is welcome.",
    expertAdvice: false,
    about: ['countries', 'languages', 'language', 'translation', 'abroad'],
  },
  {
    content: "As a venue coordinator, I'd recommend a clear cut-off date after which changes go through the venue. Last-minute edits are where things break.",
    expertAdvice: true,
    about: ['cut-off', 'deadline', 'lock', 'last-minute'],
  },
  {
    content: "I'd vote twice if I could. This is the thing I complain about most to my friends who are also engaged.",
    expertAdvice: false,
    about: ['engaged', 'dread', 'frustrat'],
  },
  {
    content: 'Could this be linked to the guest list so it updates automatically? Keeping two things in sync is the real pain.',
    expertAdvice: false,
    about: ['guest list', 'sync', 'linked', 'automatically'],
  },
  {
    content: "Photographer's tip: add an option to export as PDF. Many suppliers still print everything and bring it on the day.",
    expertAdvice: true,
    about: ['pdf', 'print', 'export', 'summary'],
  },
  {
    content: 'Our wedding is small, only 45 guests, but even for us this would save a lot of time.',
    expertAdvice: false,
    about: ['small wedding', '45 guests', 'small'],
  },
  {
    content: "Yes! And please let us undo changes. I've accidentally deleted things more than once.",
    expertAdvice: false,
    about: ['undo', 'delet', 'archive', 'removed'],
  },
  {
    content: "As a planner in Sydney, I'd suggest sending notifications in the wedding's time zone. Couples planning from abroad get very confused otherwise.",
    expertAdvice: true,
    about: ['time zone', 'abroad', 'notification', 'reminder'],
  },
  {
    content: 'This is important for accessibility too. My brother uses a screen reader and struggles with most wedding apps.',
    expertAdvice: false,
    about: ['screen reader', 'accessib', 'keyboard', 'contrast', 'larger text'],
  },
  {
    content: "Following this one. We're still deciding on our platform and this could be the deciding factor.",
    expertAdvice: false,
    about: ['platform', 'compare', 'decid'],
  },
  {
    content: "DJ here: please include a field for must-play and do-not-play songs. It's the most common last-minute message I get from couples.",
    expertAdvice: true,
    about: ['song', 'music', 'playlist', 'dj'],
  },
  {
    content: 'We worked around it with a shared document, but it fell apart as soon as the aunts got involved.',
    expertAdvice: false,
    about: ['shared document', 'workaround', 'both families', 'relatives'],
  },
  {
    content: 'Great suggestion. Would be nice if suppliers could see it without needing a full account.',
    expertAdvice: false,
    about: ['without needing', 'account', 'read-only', 'access'],
  },
  {
    content:
      'As a caterer, my advice is to confirm final numbers in writing at least ten days before the wedding, and having it in the platform would make that easy.',
    expertAdvice: true,
    about: ['final numbers', 'caterer', 'headcount', 'meal'],
  },
  {
    content: 'Huge plus one. Our wedding is in Goa and half of our relatives will only see messages on their phones.',
    expertAdvice: false,
    about: ['relatives', 'phone', 'mobile', 'sms'],
  },
  {
    content: "I'd also like a way to mark things as done, so we can see progress and feel like we're getting somewhere.",
    expertAdvice: false,
    about: ['checklist', 'done', 'progress', 'task'],
  },
  {
    content: 'Officiant here. Anything that gets the right names and pronunciations to me before the ceremony is very welcome.',
    expertAdvice: true,
    about: ['pronunciation', 'ceremony', 'officiant', 'names'],
  },
  {
    content: 'This would have prevented a very awkward conversation with my future in-laws last week.',
    expertAdvice: false,
    about: ['in-laws', 'families', 'partner invited', 'which side'],
  },
  {
    content: 'Please keep the design simple. Some of our guests are in their nineties and get lost easily on busy screens.',
    expertAdvice: false,
    about: ['simple', 'larger text', 'older', 'high-contrast', 'reduced motion'],
  },
  {
    content: "As a florist, I'd suggest letting couples attach reference photos. A single picture explains more than a page of notes.",
    expertAdvice: true,
    about: ['photo', 'mood board', 'inspiration', 'picture', 'attach'],
  },
];

/** Whether a request mentions what a comment is about, matching `about` entries at the start of a word. */
export function commentFitsRequest(comment: DemoComment, request: DemoRequest): boolean {
  const text = [request.title, request.description, ...request.painPoints].join(' ').toLowerCase();
  // `about` entries are plain words (letters, digits, spaces, hyphens; the catalogue test checks it), safe in a pattern.
  return comment.about.some((subject) => new RegExp(`(?<![a-z])${subject}`).test(text));
}

/**
 * Up to `count` comments that fit the request, starting at a different point of the list for each
 * `index` so that requests on the same subject do not all read the same discussion.
 */
export function demoCommentsFor(request: DemoRequest, index: number, count: number): DemoComment[] {
  const fitting = demoComments.filter((c) => commentFitsRequest(c, request));
  if (!fitting.length) return [];
  const start = (index * 7) % fitting.length;
  return [...fitting.slice(start), ...fitting.slice(0, start)].slice(0, count);
}
