package stack

import (
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsapigatewayv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfront"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscloudfrontorigins"
	"github.com/aws/aws-cdk-go/awscdk/v2/awscognito"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3"
	"github.com/aws/aws-cdk-go/awscdk/v2/awss3deployment"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/kabinet/kabinet/functions"
	"github.com/kabinet/kabinet/shared/adapter/httpapi"
)

// The web cabinet (web/, built by `make web` into web/dist) is static files:
// a private S3 bucket read only by CloudFront (origin access control), with
// security headers on every answer. Vite names the files under assets/ by
// their content, so they are cached for a year; index.html and config.json
// say no-cache, which CloudFront's CachingOptimized policy holds for its
// minimum TTL of a second, so a deployment shows without an invalidation
// (whose permission could name no distribution: cloudfront:CreateInvalidation
// on "*").
const (
	webAssetsCache = "public, max-age=31536000, immutable"
	webEntryCache  = "no-cache"
	hstsSeconds    = 2 * 365 * 24 * 3600
	accessLogDays  = 90
)

// web is the hosting of the web cabinet.
type web struct {
	bucket       awss3.Bucket
	distribution awscloudfront.Distribution
	// origin is the app's https origin (the distribution's domain): CORS
	// admits it and the app client redirects to it after sign-in.
	origin *string
}

// authDomainURL is the Cognito hosted UI's base URL for prefix. It is built
// from the prefix rather than taken from the domain resource, so the
// distribution's security headers can name it without a dependency cycle
// (the app client's callback URL names the distribution).
func authDomainURL(scope constructs.Construct, prefix string) *string {
	st := awscdk.Stack_Of(scope)
	return awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("https://" + prefix + ".auth."), st.Region(), jsii.String(".amazoncognito.com"),
	})
}

// newWeb creates the bucket and the distribution of the web cabinet, which
// also serves the API (serveAPI) behind the stage's web ACL. The app may
// call only its own origin, the custom API domain if any, and the Cognito
// hosted UI's token endpoint.
func newWeb(scope constructs.Construct, p Props) web {
	// Access logs of the web bucket and of the distribution (which also
	// serves the API): one private bucket, SSE-S3 (what S3 and
	// CloudFront's standard logs can write to), ACLs for CloudFront's log
	// delivery, kept 90 days (they hold client IPs).
	logs := awss3.NewBucket(scope, jsii.String("AccessLogs"), &awss3.BucketProps{
		BlockPublicAccess: awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:        awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:        jsii.Bool(true),
		ObjectOwnership:   awss3.ObjectOwnership_BUCKET_OWNER_PREFERRED,
		LifecycleRules:    &[]*awss3.LifecycleRule{{Expiration: awscdk.Duration_Days(jsii.Number(accessLogDays))}},
		RemovalPolicy:     awscdk.RemovalPolicy_RETAIN,
	})
	bucket := awss3.NewBucket(scope, jsii.String("WebBucket"), &awss3.BucketProps{
		ServerAccessLogsBucket: logs,
		ServerAccessLogsPrefix: jsii.String("web-bucket/"),
		BlockPublicAccess:      awss3.BlockPublicAccess_BLOCK_ALL(),
		Encryption:             awss3.BucketEncryption_S3_MANAGED,
		EnforceSSL:             jsii.Bool(true),
		// Only build output lives here, but S3 refuses to delete a bucket
		// with objects and emptying it would take another custom resource:
		// deleting the stack leaves the bucket, to delete by hand.
		RemovalPolicy: awscdk.RemovalPolicy_RETAIN,
	})
	// The API is on the cabinet's own origin (serveAPI), so 'self' covers
	// it; its execute-api host is not allowed (it would go around the WAF).
	// The browser puts and gets people's files with presigned URLs.
	connect := []*string{jsii.String("'self'"), authDomainURL(scope, p.authDomainPrefix()), filesOrigin(scope, p.Stage)}
	if p.DomainName != "" {
		connect = append(connect, jsii.String("https://"+p.DomainName))
	}
	csp := awscdk.Fn_Join(jsii.String(""), &[]*string{
		jsii.String("default-src 'self'; img-src 'self' blob: data:; object-src 'none'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'; connect-src "),
		awscdk.Fn_Join(jsii.String(" "), &connect),
	})
	headers := awscloudfront.NewResponseHeadersPolicy(scope, jsii.String("WebHeaders"), &awscloudfront.ResponseHeadersPolicyProps{
		Comment: jsii.String("Kabinet web cabinet: security headers"),
		SecurityHeadersBehavior: &awscloudfront.ResponseSecurityHeadersBehavior{
			ContentSecurityPolicy: &awscloudfront.ResponseHeadersContentSecurityPolicy{ContentSecurityPolicy: csp, Override: jsii.Bool(true)},
			ContentTypeOptions:    &awscloudfront.ResponseHeadersContentTypeOptions{Override: jsii.Bool(true)},
			FrameOptions:          &awscloudfront.ResponseHeadersFrameOptions{FrameOption: awscloudfront.HeadersFrameOption_DENY, Override: jsii.Bool(true)},
			ReferrerPolicy: &awscloudfront.ResponseHeadersReferrerPolicy{
				ReferrerPolicy: awscloudfront.HeadersReferrerPolicy_STRICT_ORIGIN_WHEN_CROSS_ORIGIN, Override: jsii.Bool(true)},
			StrictTransportSecurity: &awscloudfront.ResponseHeadersStrictTransportSecurity{
				AccessControlMaxAge: awscdk.Duration_Seconds(jsii.Number(hstsSeconds)), IncludeSubdomains: jsii.Bool(true), Override: jsii.Bool(true)},
		},
	})
	dist := awscloudfront.NewDistribution(scope, jsii.String("WebDistribution"), &awscloudfront.DistributionProps{
		Comment: jsii.String("kabinet-" + p.Stage + " web cabinet and API"),
		// The edge stack's web ACL (waf.go): per-caller limits and
		// managed rules before anything of ours runs.
		WebAclId:          jsii.String(p.WebACLArn),
		EnableLogging:     jsii.Bool(true),
		LogBucket:         logs,
		LogFilePrefix:     jsii.String("cloudfront/"),
		DefaultRootObject: jsii.String("index.html"),
		HttpVersion:       awscloudfront.HttpVersion_HTTP2_AND_3,
		// Europe and North America edges: where the portal's users are,
		// at the lowest price class.
		PriceClass: awscloudfront.PriceClass_PRICE_CLASS_100,
		DefaultBehavior: &awscloudfront.BehaviorOptions{
			Origin:                awscloudfrontorigins.S3BucketOrigin_WithOriginAccessControl(bucket, nil),
			ViewerProtocolPolicy:  awscloudfront.ViewerProtocolPolicy_REDIRECT_TO_HTTPS,
			CachePolicy:           awscloudfront.CachePolicy_CACHING_OPTIMIZED(),
			ResponseHeadersPolicy: headers,
			Compress:              jsii.Bool(true),
		},
	})
	origin := awscdk.Fn_Join(jsii.String(""), &[]*string{jsii.String("https://"), dist.DistributionDomainName()})
	return web{bucket: bucket, distribution: dist, origin: origin}
}

// deploy uploads the built app and its config.json, which tells the app
// where the API is and how to sign in with Cognito's hosted UI (the
// authorization code grant with PKCE, redirecting back to the app).
func (w web) deploy(scope constructs.Construct, p Props, apiURL *string, users auth) {
	awss3deployment.NewBucketDeployment(scope, jsii.String("WebAssets"), &awss3deployment.BucketDeploymentProps{
		DestinationBucket: w.bucket,
		Sources:           &[]awss3deployment.ISource{awss3deployment.Source_Asset(jsii.String(p.WebDir), nil)},
		Exclude:           jsii.Strings("index.html", "config.json"),
		CacheControl:      &[]awss3deployment.CacheControl{awss3deployment.CacheControl_FromString(jsii.String(webAssetsCache))},
		// Old hashed files stay for pages still open in a browser.
		Prune: jsii.Bool(false),
	})
	awss3deployment.NewBucketDeployment(scope, jsii.String("WebEntry"), &awss3deployment.BucketDeploymentProps{
		DestinationBucket: w.bucket,
		Sources: &[]awss3deployment.ISource{
			awss3deployment.Source_Asset(jsii.String(p.WebDir), nil),
			awss3deployment.Source_JsonData(jsii.String("config.json"), map[string]any{
				"apiBase": apiURL,
				"auth":    "cognito",
				"cognito": map[string]any{
					"domain":      authDomainURL(scope, p.authDomainPrefix()),
					"clientId":    users.client.UserPoolClientId(),
					"redirectUri": w.origin,
				},
			}, nil),
		},
		Exclude:      jsii.Strings("*"),
		Include:      jsii.Strings("index.html", "config.json"),
		CacheControl: &[]awss3deployment.CacheControl{awss3deployment.CacheControl_FromString(jsii.String(webEntryCache))},
		Prune:        jsii.Bool(false),
	})
}

// addHostedUI gives the user pool its Cognito hosted UI domain, where the
// web cabinet sends people to sign in.
func addHostedUI(pool awscognito.UserPool, p Props) awscognito.UserPoolDomain {
	return pool.AddDomain(jsii.String("HostedUI"), &awscognito.UserPoolDomainOptions{
		CognitoDomain: &awscognito.CognitoDomainOptions{DomainPrefix: jsii.String(p.authDomainPrefix())},
	})
}

// serveAPI serves the API through the distribution: one behavior per first
// path segment of the route table (/documents*, /bookings*, ...; the web
// cabinet's own paths are index.html, config.json and assets/, and its
// screens are # routes, so nothing collides), every method, nothing cached,
// every viewer header but Host forwarded (Authorization, If-Match,
// Idempotency-Key, Accept-Language), and the origin secret added in
// httpapi.OriginHeader, without which the functions answer 403: so the API
// is used through CloudFront and its WAF, not around them.
func (w web) serveAPI(scope constructs.Construct, api awsapigatewayv2.HttpApi, routes []functions.FunctionRoute, origin awssecretsmanager.ISecret) {
	st := awscdk.Stack_Of(scope)
	domain := awscdk.Fn_Join(jsii.String(""), &[]*string{api.ApiId(), jsii.String(".execute-api."), st.Region(), jsii.String("."), st.UrlSuffix()})
	apiOrigin := awscloudfrontorigins.NewHttpOrigin(domain, &awscloudfrontorigins.HttpOriginProps{
		ProtocolPolicy:     awscloudfront.OriginProtocolPolicy_HTTPS_ONLY,
		OriginSslProtocols: &[]awscloudfront.OriginSslPolicy{awscloudfront.OriginSslPolicy_TLS_V1_2},
		CustomHeaders:      &map[string]*string{httpapi.OriginHeader: origin.SecretValue().UnsafeUnwrap()},
	})
	for _, seg := range apiSegments(routes) {
		w.distribution.AddBehavior(jsii.String("/"+seg+"*"), apiOrigin, &awscloudfront.AddBehaviorOptions{
			AllowedMethods:       awscloudfront.AllowedMethods_ALLOW_ALL(),
			ViewerProtocolPolicy: awscloudfront.ViewerProtocolPolicy_HTTPS_ONLY,
			CachePolicy:          awscloudfront.CachePolicy_CACHING_DISABLED(),
			OriginRequestPolicy:  awscloudfront.OriginRequestPolicy_ALL_VIEWER_EXCEPT_HOST_HEADER(),
			Compress:             jsii.Bool(true),
		})
	}
}

// apiSegments are the distinct first path segments of routes, sorted.
func apiSegments(routes []functions.FunctionRoute) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range routes {
		seg, _, _ := strings.Cut(strings.TrimPrefix(r.Path(), "/"), "/")
		if seg == "" || strings.Contains(seg, "{") {
			panic(fmt.Sprintf("stack: route %q: the first path segment must be a literal to be served through CloudFront", r.Pattern))
		}
		if !seen[seg] {
			seen[seg] = true
			out = append(out, seg)
		}
	}
	sort.Strings(out)
	return out
}
