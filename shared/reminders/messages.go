package reminders

import (
	"fmt"
	"strconv"

	"github.com/kabinet/kabinet/shared/civil"
	"github.com/kabinet/kabinet/shared/inbox"
	"github.com/kabinet/kabinet/shared/registry"
)

// text is a reminder rendered in one language.
type text struct {
	kind    string // inbox.KindDocumentExpiring or inbox.KindDocumentExpired
	subject string
	body    string
	sms     string
}

// render writes the reminder for d on day today in lang. Document numbers
// are never included: an SMS shows on a locked screen.
func render(d registry.Document, today civil.Date, lang string) text {
	ti, _ := registry.Lookup(d.Type)
	name := d.Title
	if name == "" {
		name = ti.Title[lang]
		if name == "" {
			name = ti.Title["en"]
		}
	}
	exp := d.ExpiresOn.String()
	left := today.DaysUntil(*d.ExpiresOn)
	if lang == "ru" {
		switch {
		case left < 0:
			return text{inbox.KindDocumentExpired, "Срок действия документа истёк",
				fmt.Sprintf("Срок действия документа «%s» истёк %s. Оформите новый документ или отметьте напоминание как прочитанное в кабинете.", name, exp),
				fmt.Sprintf("Кабинет: срок действия «%s» истёк %s.", name, exp)}
		case left == 0:
			return text{inbox.KindDocumentExpiring, "Документ истекает сегодня",
				fmt.Sprintf("Срок действия документа «%s» истекает сегодня, %s.", name, exp),
				fmt.Sprintf("Кабинет: «%s» истекает сегодня.", name)}
		}
		return text{inbox.KindDocumentExpiring, "Срок действия документа истекает",
			fmt.Sprintf("Срок действия документа «%s» истекает %s, через %s.", name, exp, daysRU(left)),
			fmt.Sprintf("Кабинет: «%s» истекает через %s (%s).", name, daysRU(left), exp)}
	}
	switch {
	case left < 0:
		return text{inbox.KindDocumentExpired, "Your document has expired",
			fmt.Sprintf("Your %s expired on %s. Renew it, or acknowledge this reminder in your cabinet.", name, exp),
			fmt.Sprintf("Kabinet: your %s expired on %s.", name, exp)}
	case left == 0:
		return text{inbox.KindDocumentExpiring, "Your document expires today",
			fmt.Sprintf("Your %s expires today, %s.", name, exp),
			fmt.Sprintf("Kabinet: your %s expires today.", name)}
	}
	return text{inbox.KindDocumentExpiring, "Your document expires soon",
		fmt.Sprintf("Your %s expires on %s, in %s.", name, exp, daysEN(left)),
		fmt.Sprintf("Kabinet: your %s expires in %s (%s).", name, daysEN(left), exp)}
}

func daysEN(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

// daysRU agrees "день" with its number: 1 день, 2 дня, 5 дней, 21 день, 11 дней.
func daysRU(n int) string {
	word := "дней"
	switch m10, m100 := n%10, n%100; {
	case m100 >= 11 && m100 <= 14:
	case m10 == 1:
		word = "день"
	case m10 >= 2 && m10 <= 4:
		word = "дня"
	}
	return strconv.Itoa(n) + " " + word
}
