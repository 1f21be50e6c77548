import type { Category, ItemKind } from '../../shared/domain/vocabulary'
import type { Rng } from './prng'

/**
 * Pieces of realistic support traffic for the demo workspace. Templates hold {placeholders}
 * filled from the lists below, so a few hundred lines read like many thousand conversations and
 * searching for refund, password, crash, invoice or delivery finds plenty.
 */

export const FIRST_NAMES = [
  'Olivia', 'Liam', 'Emma', 'Noah', 'Ava', 'Mateo', 'Sofia', 'Lucas', 'Mia', 'Ethan', 'Zoë', 'José',
  'Amara', 'Kai', 'Ingrid', 'Søren', 'Aisha', 'Omar', 'Chloé', 'Luca', 'Hana', 'Yuki', 'Priya', 'Arjun',
  'Fatima', 'Mohammed', 'Elena', 'Dmitri', 'Grace', 'Samuel', 'Isabel', 'Diego', 'Nadia', 'Felix', 'Maja',
  'Tomás', 'Leila', 'Jonas', 'Amélie', 'Ravi', 'Chen', 'Mei', 'Kwame', 'Ngozi', 'Siobhan', 'Connor',
  'Ruth', 'Björn'
] as const

export const LAST_NAMES = [
  'Smith', 'Johnson', 'García', 'Müller', 'Rossi', 'Nguyen', 'Kim', 'Patel', 'Okafor', 'Novak', 'Larsen',
  'Dubois', 'Kowalski', 'Silva', 'Tanaka', 'Haddad', 'Schmidt', 'Jensen', 'O’Brien', 'Fernández', 'Ivanova',
  'Chen', 'Singh', 'Mensah', 'Andersson', 'Costa', 'Yilmaz', 'Weber', 'Moreau', 'Brown', 'Lee', 'Walker',
  'Hall', 'Young', 'King', 'Wright', 'López', 'Hill', 'Green', 'Adams', 'Baker', 'Nelson', 'Carter',
  'Mitchell', 'Perez', 'Roberts', 'Turner', 'Phillips'
] as const

export const EMAIL_DOMAINS = ['example.com', 'mail.example.org', 'inbox.example.net', 'post.example.co.uk', 'example.de'] as const

const VOCAB: Record<string, readonly string[]> = {
  product: [
    'Aurora X2 headphones', 'Nimbus thermostat', 'Pulse fitness band', 'Orbit Wi-Fi router', 'Lumen desk lamp',
    'Vertex standing desk', 'Kestrel e-bike', 'Halo video doorbell', 'Cascade coffee maker', 'Atlas backpack',
    'Echo Mini speaker', 'Drift robot vacuum'
  ],
  feature: [
    'the mobile app', 'the web dashboard', 'two-factor sign-in', 'the CSV export', 'calendar sync',
    'the firmware update', 'Bluetooth pairing', 'family sharing', 'the order history page', 'push notifications',
    'the billing portal', 'single sign-on'
  ],
  device: ['an iPhone 15', 'a Pixel 8', 'a Galaxy S23', 'Windows 11', 'macOS Sonoma', 'an iPad Air', 'Chrome on a Chromebook', 'Firefox on Linux'],
  error: ['error 503', 'code E-214', '"Something went wrong"', 'a blank white screen', 'error 0x80070005', 'a spinning wheel forever', '"Session expired"'],
  plan: ['Plus', 'Premium', 'Family', 'Business', 'Starter'],
  courier: ['the courier', 'DHL', 'UPS', 'the postal service', 'our delivery partner'],
  weekday: ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'],
  thanks: ['Thanks', 'Thank you', 'Many thanks', 'Cheers', 'Best regards', 'Kind regards']
}

type Topic = { subjects: readonly string[]; openers: readonly string[]; replies: readonly string[] }

const TOPICS: Record<Category, Topic> = {
  order: {
    subjects: ['Where is my order {order}?', 'Delivery delayed for {product}', 'Missing item in order {order}', 'Change delivery address for {order}', 'Order {order} shows delivered but nothing arrived'],
    openers: [
      'Hi, I ordered the {product} ({order}) and the tracking page has said "label created" for {days} days. When will the delivery arrive?',
      'My order {order} arrived today but the {product} is missing from the box. The packing slip lists it. Can you send it?',
      'Can I still change the delivery address for order {order}? I am moving on {weekday}.',
      'Tracking for {order} says delivered, but there is nothing at my door and the neighbours have not seen it either.',
      'I need the {product} before {weekday} for a gift. Is express delivery still possible for order {order}?'
    ],
    replies: [
      'I checked with {courier}: order {order} is at the local depot and should be delivered within two working days. I will keep an eye on it.',
      'I am sorry the {product} was missing. I have shipped the missing item today at no cost; you will get a tracking link by email.',
      'I have updated the delivery address on order {order}. The new address will show in your confirmation email shortly.',
      'I have opened an investigation with {courier} for order {order}. If it is not found within 48 hours we will send a replacement or a full refund.'
    ]
  },
  return: {
    subjects: ['Return and refund for {product}', 'Refund not received for order {order}', 'How do I return the {product}?', 'Exchange {product} for another size', 'Return label not working'],
    openers: [
      'I would like to return the {product} from order {order}; it does not suit me. How do I get a refund?',
      'I sent the {product} back {days} days ago and still have no refund. Tracking shows it was delivered to your warehouse.',
      'The return label you emailed for order {order} will not scan at the post office. Can you send a new one?',
      'Can I exchange the {product} for a different colour instead of a refund?'
    ],
    replies: [
      'I have emailed you a prepaid return label for order {order}. Once the {product} reaches us, the refund of {amount} is issued within 5 working days.',
      'Your return arrived at our warehouse and I have processed the refund of {amount} today. Depending on your bank it can take 3-5 days to appear.',
      'Sorry about the label. Here is a new one; it is valid for 14 days at any drop-off point.',
      'An exchange is no problem. I have reserved the other colour for you and will ship it as soon as the return is scanned.'
    ]
  },
  billing: {
    subjects: ['Charged twice this month', 'Invoice {invoice} needed', 'Card declined on renewal', 'Wrong VAT on invoice {invoice}', 'Cancel my {plan} subscription'],
    openers: [
      'I was charged twice for my {plan} subscription this month ({amount} each time). Please refund the duplicate charge.',
      'Where can I download invoice {invoice}? Our accounts team needs it with our VAT number on it.',
      'My card was declined when the {plan} plan renewed, but my bank says there is no problem on their side.',
      'Invoice {invoice} shows the wrong VAT rate for our country. Can you reissue it?',
      'Please cancel my {plan} subscription at the end of the billing period and confirm there will be no further charges.'
    ],
    replies: [
      'You are right, the payment went through twice. I have refunded the duplicate {amount}; it will show on your statement in a few days.',
      'You can download invoice {invoice} from the billing portal under Account > Invoices. I have also attached a PDF with your VAT number.',
      'The decline came from a 3-D Secure check. Could you try once more from the billing portal? If it fails again I can send a payment link.',
      'I have reissued invoice {invoice} with the correct VAT rate and cancelled the old one.'
    ]
  },
  onboarding: {
    subjects: ['Getting started with the {plan} plan', 'How do I invite my team?', 'Setting up the {product} for a relative', 'Importing our old data', 'Welcome call request'],
    openers: [
      'We just signed up for the {plan} plan. How do I invite the rest of my team and set their permissions?',
      'I bought the {product} for my father. What is the easiest way to get him set up without an app?',
      'We are moving from another tool. Can we import our customer list and order history?',
      'Could someone walk us through the first steps? We are a team of {days} people.'
    ],
    replies: [
      'Welcome aboard! Go to Settings > Team > Invite and enter their email addresses; each person gets a link valid for 7 days.',
      'The {product} works without the app: hold the button for five seconds until the light turns green, and it is ready.',
      'Yes: under Settings > Import you can upload a CSV. I have sent you our template and a short guide.',
      'I have booked a 30-minute welcome call for {weekday}; you will get a calendar invitation shortly.'
    ]
  },
  loyalty: {
    subjects: ['Loyalty points missing after order {order}', 'Reward voucher {voucher} invalid', 'How do I redeem my points?', 'Tier status not updated'],
    openers: [
      'My loyalty points from order {order} never showed up in my account.',
      'The reward voucher {voucher} says it is invalid at checkout, but it should be valid until the end of the month.',
      'I have over 2,000 points. How do I redeem them against my next order?',
      'I spent enough this year to reach Gold, but my account still shows Silver.'
    ],
    replies: [
      'I have added the missing points for order {order} manually; they are in your balance now.',
      'The voucher {voucher} was linked to a different email address. I have moved it to your account and it now works at checkout.',
      'At checkout, tick "Use my points"; every 100 points take 1.00 off the order total.',
      'Tier status updates overnight on the first of the month, but I have upgraded you to Gold now.'
    ]
  },
  general: {
    subjects: ['Do you ship to Norway?', 'Is the {product} compatible with {device}?', 'Opening hours of the store', 'Question about warranty', 'Product recommendation'],
    openers: [
      'Do you ship to Norway, and will there be customs fees on delivery?',
      'Is the {product} compatible with {device}?',
      'What are the opening hours of your city-centre store on {weekday}?',
      'How long is the warranty on the {product}, and does it cover the battery?',
      'I am choosing between the {product} and the {product}. Which would you recommend for a small flat?'
    ],
    replies: [
      'Yes, we ship to Norway. Duties are included in the price at checkout, so there is nothing more to pay on delivery.',
      'The {product} works with {device}; you need the latest version of our app.',
      'The store is open from 9:00 to 18:00 on weekdays and 10:00 to 16:00 on Saturdays.',
      'The warranty is two years and covers the battery too. Keep your invoice as proof of purchase.'
    ]
  },
  complaint: {
    subjects: ['Very disappointed with my delivery', 'Third time asking about order {order}', 'Rude courier', 'Damaged {product} and no answer', 'Formal complaint about a refund'],
    openers: [
      'This is the third time I am writing about order {order}. Nobody has answered and I want a full refund now.',
      'The courier left the {product} in the rain and the box was soaked. Really disappointed with this delivery.',
      'The driver was rude and refused to carry the {product} upstairs, although I paid for that service.',
      'My {product} arrived damaged two weeks ago and I am still waiting for someone to reply.'
    ],
    replies: [
      'I am very sorry for how this was handled. I have issued a full refund of {amount} and added a voucher for your next order.',
      'That is not the service we promise. I have passed your feedback to {courier} and a replacement {product} ships today.',
      'I apologise for the delay. A replacement is on its way and you can keep or recycle the damaged unit.'
    ]
  },
  troubleshooting: {
    subjects: ['{product} keeps disconnecting', '{feature} crashes on {device}', 'Battery drains overnight', '{product} will not turn on', 'Slow sync since the update'],
    openers: [
      'The {product} keeps disconnecting from Wi-Fi every few hours. I have already restarted the router twice.',
      'Since the latest update, {feature} crashes as soon as I open it. I am on {device}.',
      'The battery of my {product} drains overnight even when it is switched off.',
      'My {product} will not turn on any more. No lights at all, even on the charger.',
      'Sync has been very slow since the update; it shows {error} after a few minutes.'
    ],
    replies: [
      'Please hold the reset button for 10 seconds, then pair the {product} again. This clears a known Wi-Fi issue after the update.',
      'Thanks for the details. Could you reinstall the app and send me the diagnostic code from Settings > About if it crashes again?',
      'This looks like a firmware problem. Please update to the latest firmware from the app; it fixes the battery drain.',
      'Please try a different cable and charger for 30 minutes. If it still will not start, we will replace it under warranty.'
    ]
  },
  setup: {
    subjects: ['Cannot pair the {product} with {device}', 'Configure {feature} for our team', 'Router setup fails at step 3', 'Setting up single sign-on', 'Installing the {product}'],
    openers: [
      'I am trying to set up the {product} but it will not pair with {device}. The light just blinks blue.',
      'How do I configure {feature} for our team? The settings page shows {error}.',
      'Setup fails at step 3: the app says it cannot find the {product} on the network.',
      'We want to connect single sign-on with our identity provider. Where do we enter the metadata URL?'
    ],
    replies: [
      'Blinking blue means pairing mode. Please turn Bluetooth off and on on {device}, keep the phone within a metre, and try again.',
      'Only workspace admins can configure {feature}; that is why you see {error}. I have asked your admin to grant access.',
      'The {product} only joins 2.4 GHz networks during setup. Please switch your router to 2.4 GHz for a moment and retry.',
      'Under Settings > Security > Single sign-on, paste the metadata URL; I have attached our step-by-step guide.'
    ]
  },
  howto: {
    subjects: ['How do I export my data to CSV?', 'Schedule {feature}?', 'Share my account with family', 'Change the language of the app', 'Download all invoices at once'],
    openers: [
      'How do I export my order history to CSV? I need it for my tax return.',
      'Is there a way to schedule {feature} so it runs every {weekday}?',
      'Can I share my {plan} account with my family without sharing my password?',
      'How do I change the language of {feature} to Spanish?',
      'Is it possible to download all invoices for last year at once?'
    ],
    replies: [
      'Go to Account > Orders and use "Export CSV" at the top right; you can choose the date range.',
      'Yes: in Settings > Automation choose the day and time. It will run every {weekday} from then on.',
      'With the Family plan you can invite up to five people; each gets their own login, and no password is shared.',
      'In the billing portal select the year and click "Download all"; you get one ZIP file with every invoice.'
    ]
  },
  bug: {
    subjects: ['Wrong totals in {feature}', 'App crashes on checkout', 'Invoice PDF is blank', 'Duplicate notifications', 'Date shown in the wrong time zone'],
    openers: [
      '{feature} shows the wrong totals: invoice {invoice} says {amount} but the dashboard shows a different amount.',
      'The app crashes when I rotate my phone on the checkout screen. Steps: open the cart, rotate, crash. {device}.',
      'The invoice PDF for {invoice} downloads as a blank page.',
      'I get every push notification three times since last week.',
      'All dates in {feature} are shown one hour off, as if the time zone were wrong.'
    ],
    replies: [
      'Thanks for the clear report. I reproduced the crash and our developers have a fix in the next release.',
      'You found a real bug: the totals exclude refunded items. A fix is scheduled; until then the invoice amount is the correct one.',
      'I regenerated the PDF for {invoice} and attached it here. The blank download is a known issue we are fixing.',
      'We have identified the cause of the duplicate notifications; signing out and in again stops them until the fix ships.'
    ]
  },
  access: {
    subjects: ['Cannot log in', 'Password reset email never arrives', 'Account locked', 'Two-factor code rejected', 'Lost access after changing my email'],
    openers: [
      'I cannot log in: the password reset email never arrives, and I have checked my spam folder.',
      'My account is locked after too many attempts and I need access for a meeting today.',
      'Two-factor codes are rejected since I got a new phone ({device}).',
      'I changed my email address last week and now I cannot sign in with either address.',
      'The login page shows {error} after I enter my password.'
    ],
    replies: [
      'I have sent a new password reset link; it is valid for one hour. If it does not arrive, please add our domain to your safe senders.',
      'I have unlocked your account. Please reset your password with the link I just sent before signing in.',
      'I have reset your two-factor setup. At your next login you can scan a new QR code with {device}.',
      'Your sign-in email is now the new address. Please use "Forgot password" once to set a fresh password.'
    ]
  }
}

const FOLLOW_UPS = [
  'Any update on this? I have not heard back.',
  'I tried that but it still does not work.',
  'Thanks, that worked! You can close this.',
  'I have attached a screenshot of the error.',
  'Great, the refund has arrived. Thank you!',
  'I am still waiting for the delivery.',
  'Could you call me instead? Email is slow for me.',
  'It happened again this morning, same as before.',
  'Perfect, thanks for the quick help.',
  'The password reset link expired before I could use it.'
]

const AGENT_FOLLOW_UPS = [
  'Just checking in: did the steps I sent solve it for you?',
  'Thanks for your patience. I am still waiting to hear back from our team and will update you tomorrow.',
  'Could you send me a screenshot of what you see? That will help me find the cause.',
  'Glad to hear it is working now. I will close this, but just reply if anything comes up.',
  'I have escalated this internally and will come back to you as soon as I know more.'
]

const NOTES = [
  'Long-standing Premium customer; be generous with the goodwill voucher.',
  'Customer prefers phone contact in the mornings.',
  'Second contact about this; make sure the next reply closes the loop.',
  'Waiting on the warehouse before I answer.'
]
const SERVICE_NOTES = [
  ...NOTES,
  'Checked the payment provider: duplicate charge confirmed.',
  'Called the courier, they are investigating the lost parcel.',
  'Refund approved by the supervisor.',
  'Invoice corrected in the billing system; customer informed.'
]
const SUPPORT_NOTES = [
  ...NOTES,
  'Tried the reset steps with the customer on chat, no luck. Tier 2 candidate if it happens again.',
  'Reproduced the crash on staging with the same app version.',
  'Similar reports this week after the firmware update; linked to the known issue.',
  'Password reset emails delayed by the mail provider today; workaround sent.'
]

const CONTACT_SUMMARIES = [
  'Customer called about this. Explained the next steps and confirmed their details.',
  'Walked the customer through the fix on the phone; it works now.',
  'Customer came to the store with the device; checked it together and agreed on the next step.',
  'Took the details on the phone and promised an email confirmation today.',
  'Customer was upset on the call; apologised and offered a goodwill voucher.'
]

const PLACEHOLDER = /\{(\w+)\}/g

/** Fills {placeholders}; order, invoice, voucher, amount and days are made up on the spot. */
export function fill(template: string, rng: Rng): string {
  return template.replace(PLACEHOLDER, (_, key: string) => {
    switch (key) {
      case 'order':
        return `#A${rng.between(10000, 99999)}`
      case 'invoice':
        return `INV-2026-${String(rng.between(1, 9999)).padStart(4, '0')}`
      case 'voucher':
        return `LOYAL-${rng.between(1000, 9999)}`
      case 'amount':
        return `€${rng.between(5, 400)}.${String(rng.int(100)).padStart(2, '0')}`
      case 'days':
        return String(rng.between(3, 14))
      default: {
        const list = VOCAB[key]
        return list ? rng.pick(list) : key
      }
    }
  })
}

export interface Conversation {
  subject: string
  opener: string
  reply: () => string
  followUp: () => string
  agentFollowUp: () => string
  note: (kind: ItemKind) => string
  contactSummary: () => string
}

/** A conversation's text for one item of a category; the replies are made as the thread needs them. */
export function conversation(category: Category, rng: Rng): Conversation {
  const topic = TOPICS[category]
  const signOff = (text: string) => (rng.chance(0.5) ? `${text}\n\n${rng.pick(VOCAB.thanks ?? ['Thanks'])}` : text)
  return {
    subject: fill(rng.pick(topic.subjects), rng),
    opener: signOff(fill(rng.pick(topic.openers), rng)),
    reply: () => fill(rng.pick(topic.replies), rng),
    followUp: () => rng.pick(FOLLOW_UPS),
    agentFollowUp: () => rng.pick(AGENT_FOLLOW_UPS),
    note: (kind) => rng.pick(kind === 'service' ? SERVICE_NOTES : SUPPORT_NOTES),
    contactSummary: () => `${rng.pick(CONTACT_SUMMARIES)} ${fill(rng.pick(topic.openers), rng)}`
  }
}

/** ASCII, lower-case form of a name for an email address ("Zoë O’Brien" -> "zoe.obrien"). */
export function emailLocalPart(first: string, last: string): string {
  const clean = (s: string) =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/ø/g, 'o')
      .replace(/[^A-Za-z]/g, '')
      .toLowerCase()
  return `${clean(first)}.${clean(last)}`
}
