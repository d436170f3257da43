package domain

import (
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// The states of a webhook subscription.
const (
	// SubscriptionActive: changes are queued and delivered.
	SubscriptionActive = "active"
	// SubscriptionPaused: nothing is queued or sent until it is resumed (by its owner, or after
	// its endpoint failed too long); its place in the feed is kept, so nothing is lost.
	SubscriptionPaused = "paused"
)

// The states of a delivery.
const (
	DeliveryPending   = "pending"   // queued, or waiting for its next attempt
	DeliveryDelivered = "delivered" // the endpoint answered 2xx
	DeliveryFailed    = "failed"    // given up on; the subscription was paused, and resuming queues it again
)

// MaxWebhookURL is the longest URL a subscription may deliver to.
const MaxWebhookURL = 2000

// Subscription is a webhook subscription as its owner, the secretariat and admins see it: where
// its deliveries go and which changes of the feed it follows. Its signing secret is never part
// of it: it is shown once, when created or rotated.
type Subscription struct {
	ID int64 `json:"id" db:"id" minimum:"1" maximum:"9007199254740991" example:"12"`
	SubscriptionFields
	Status       string     `json:"status" db:"status" enum:"active,paused" example:"active" doc:"active: changes are delivered; paused: nothing is sent until it is resumed (PATCH status active), and no change is lost meanwhile."`
	PausedReason *string    `json:"paused_reason" db:"paused_reason" maxLength:"300" example:"the endpoint failed 8 attempts in a row (last: the receiver answered 503)" doc:"Why it is paused; null while active."`
	PausedAt     *time.Time `json:"paused_at" db:"paused_at" doc:"When it was paused; null while active."`
	TokenID      int64      `json:"token_id" db:"token_id" minimum:"1" maximum:"9007199254740991" example:"7" doc:"The token that created it and owns it. Its deliveries stop while that token is revoked."`
	Version      int        `json:"version" db:"version" minimum:"1" maximum:"2147483647" example:"1" doc:"Incremented on every change; the ETag is derived from it."`
	CreatedAt    time.Time  `json:"created_at" db:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at" db:"updated_at"`
}

// SubscriptionFields are what a subscriber writes: the endpoint, and either kinds of resource
// of the change feed or one dataset.
type SubscriptionFields struct {
	URL         string   `json:"url" db:"url" minLength:"1" maxLength:"2000" format:"uri" example:"https://data.example.org/hooks/digitalcities" doc:"Where deliveries are POSTed: an http or https URL of a public address, without credentials. Redirects are not followed."`
	Description string   `json:"description" db:"description" required:"false" maxLength:"500" example:"Mirror of the 2019 smart governance dataset" doc:"What the subscription is for."`
	Resources   []string `json:"resources" db:"-" required:"false" nullable:"false" maxItems:"15" enum:"city,organisation,body_role,study,study_city,framework,indicator,observation,trend,trend_adoption,event,report,commitment,dataset,release" example:"[\"city\",\"observation\"]" doc:"The kinds of resource whose changes are delivered (those of the change feed). Give either resources or dataset."`
	Dataset     string   `json:"dataset" db:"-" required:"false" maxLength:"100" pattern:"^([a-z0-9]+(-[a-z0-9]+)*)?$" example:"smart-governance-2019" doc:"A dataset's slug: the changes of that dataset and of its releases are delivered. Give either resources or dataset; \"\" when resources are given."`
}

// Validate checks the endpoint and the choice of changes.
func (f *SubscriptionFields) Validate() error {
	if _, err := ParseWebhookURL(f.URL); err != nil {
		return err
	}
	if utf8.RuneCountInString(f.Description) > 500 {
		return Invalid("description", "is longer than 500 characters")
	}
	switch {
	case len(f.Resources) == 0 && f.Dataset == "":
		return Invalid("resources", "give the kinds of resource to follow, or a dataset")
	case len(f.Resources) > 0 && f.Dataset != "":
		return Invalid("dataset", "give either resources or a dataset, not both")
	case f.Dataset != "" && !ValidSlug(f.Dataset):
		return Invalid("dataset", "not a dataset slug")
	}
	for i, r := range f.Resources {
		if !slices.Contains(FeedResources, r) {
			return Invalid("resources", "item %d: %q is not a resource of the change feed", i, r)
		}
		if slices.Contains(f.Resources[:i], r) {
			return Invalid("resources", "item %d: %q is given twice", i, r)
		}
	}
	return nil
}

// FeedResources are the kinds of resource the subscription reads from the change feed.
func (f *SubscriptionFields) FeedResources() []string {
	if f.Dataset != "" {
		return []string{"dataset", "release"}
	}
	return f.Resources
}

// Matches reports whether a change of the feed is one the subscription delivers: one of its
// kinds of resource, or its dataset and that dataset's releases (release ids are
// "<dataset>/<number>").
func (f *SubscriptionFields) Matches(resource, resourceID string) bool {
	if f.Dataset == "" {
		return slices.Contains(f.Resources, resource)
	}
	switch resource {
	case "dataset":
		return resourceID == f.Dataset
	case "release":
		return strings.HasPrefix(resourceID, f.Dataset+"/")
	}
	return false
}

// ParseWebhookURL checks a subscription's endpoint: an absolute http or https URL with a host,
// no credentials and no fragment, of at most MaxWebhookURL characters. Whether its address is
// public is judged by the webhook client, at creation for a literal address and at each
// connection for a name.
func ParseWebhookURL(s string) (*url.URL, error) {
	if len(s) > MaxWebhookURL {
		return nil, Invalid("url", "is longer than %d characters", MaxWebhookURL)
	}
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Opaque != "" || !u.IsAbs():
		return nil, Invalid("url", "must be an absolute http or https URL")
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, Invalid("url", "must be an http or https URL, not %s", u.Scheme)
	case u.Hostname() == "":
		return nil, Invalid("url", "has no host")
	case u.User != nil:
		return nil, Invalid("url", "must not carry credentials: deliveries are signed with the subscription's secret instead")
	case u.Fragment != "" || strings.Contains(s, "#"):
		return nil, Invalid("url", "must not have a fragment")
	case strings.ContainsAny(s, " \t\r\n\x00"):
		return nil, Invalid("url", "must not contain spaces or control characters")
	}
	return u, nil
}

// SubscriptionPatch is a change to a subscription (a JSON merge patch): fields left out stay.
// Giving resources switches the subscription to them, and giving a dataset switches it to that
// dataset. Status active resumes a paused subscription (queueing again the deliveries given up
// on), status paused pauses it.
type SubscriptionPatch struct {
	URL         *string   `json:"url,omitempty" minLength:"1" maxLength:"2000" format:"uri" example:"https://data.example.org/hooks/digitalcities"`
	Description *string   `json:"description,omitempty" maxLength:"500" example:"Mirror of the 2019 smart governance dataset"`
	Resources   *[]string `json:"resources,omitempty" minItems:"1" maxItems:"15" enum:"city,organisation,body_role,study,study_city,framework,indicator,observation,trend,trend_adoption,event,report,commitment,dataset,release" example:"[\"city\",\"observation\"]"`
	Dataset     *string   `json:"dataset,omitempty" minLength:"1" maxLength:"100" pattern:"^[a-z0-9]+(-[a-z0-9]+)*$" example:"smart-governance-2019"`
	Status      *string   `json:"status,omitempty" enum:"active,paused" example:"active" doc:"active resumes a paused subscription and queues again the deliveries given up on; paused pauses it."`
}

// Apply returns the fields after the patch.
func (p *SubscriptionPatch) Apply(current SubscriptionFields) (SubscriptionFields, error) {
	f := current
	if p.Resources != nil && p.Dataset != nil {
		return f, Invalid("dataset", "give either resources or a dataset, not both")
	}
	if p.URL != nil {
		f.URL = *p.URL
	}
	if p.Description != nil {
		f.Description = *p.Description
	}
	if p.Resources != nil {
		f.Resources, f.Dataset = slices.Clone(*p.Resources), ""
	}
	if p.Dataset != nil {
		f.Resources, f.Dataset = nil, *p.Dataset
	}
	return f, f.Validate()
}

// Delivery is one change queued for one subscription, as its delivery log shows it.
type Delivery struct {
	ID             int64      `json:"id" db:"id" minimum:"1" maximum:"9007199254740991" example:"4021"`
	EventID        string     `json:"event_id" db:"event_id" maxLength:"30" pattern:"^evt_[0-9]+$" example:"evt_81234" doc:"The webhook-id header of every attempt: the same on each retry, so that a receiver can recognise a delivery it has seen."`
	ChangeID       int64      `json:"change_id" db:"change_id" minimum:"1" maximum:"9007199254740991" example:"81234" doc:"The change's id in /v1/changes."`
	Resource       string     `json:"resource" db:"resource" example:"observation" maxLength:"30"`
	ResourceID     string     `json:"resource_id" db:"resource_id" example:"8123" maxLength:"300"`
	Action         string     `json:"action" db:"action" enum:"create,update,delete" example:"update"`
	Status         string     `json:"status" db:"status" enum:"pending,delivered,failed" example:"delivered" doc:"pending: queued or waiting for a retry; delivered: the endpoint answered 2xx; failed: given up on, which paused the subscription (resuming it queues the delivery again)."`
	Attempts       int        `json:"attempts" db:"attempts" minimum:"0" maximum:"2147483647" example:"1" doc:"Attempts made since the delivery was queued (or queued again by a resume)."`
	LastStatus     *int       `json:"last_status" db:"last_status" minimum:"100" maximum:"599" example:"204" doc:"The HTTP status of the last attempt; null when none answered."`
	LastError      *string    `json:"last_error" db:"last_error" maxLength:"300" example:"the receiver answered 503" doc:"Why the last attempt failed, in a few words; null after a success."`
	LastAttemptAt  *time.Time `json:"last_attempt_at" db:"last_attempt_at"`
	NextAttemptAt  *time.Time `json:"next_attempt_at" db:"next_attempt_at" doc:"When it is (re)tried, while pending; null otherwise."`
	DeliveredAt    *time.Time `json:"delivered_at" db:"delivered_at"`
	CreatedAt      time.Time  `json:"created_at" db:"created_at" doc:"When the change was queued for the subscription."`
	SubscriptionID int64      `json:"-" db:"subscription_id"`
}

// DeliveryJob is a delivery claimed for sending: the change as the feed shows it, where it goes,
// and the secrets to sign it with (the current one first, then the previous one while it is
// still honoured after a rotation).
type DeliveryJob struct {
	ID             int64
	SubscriptionID int64
	URL            string
	Secrets        []string
	Change         Change
	Attempts       int        // attempts made before this one
	FirstAttemptAt *time.Time // of the attempts since it was queued; nil before the first
}

// DeliveryAttempt is what became of one attempt to send a delivery.
type DeliveryAttempt struct {
	Delivered bool          // the receiver answered 2xx
	Status    *int          // the receiver's HTTP status; nil when none answered
	Error     string        // why it failed, in a few words for the delivery log
	RetryIn   time.Duration // when it failed: the wait before the next attempt
	GiveUp    string        // when it failed for the last time: why, the reason its subscription is paused with
}
