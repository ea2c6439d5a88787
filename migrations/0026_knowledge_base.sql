-- Issue 16 item 4: the knowledge base — articles (sanitised rich text, a normalised search column), agents' "was this useful" votes per call, and the articles used on each call.
CREATE TABLE "knowledge_articles" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"title" text NOT NULL,
	"body" text NOT NULL,
	"search_text" text NOT NULL,
	"category" text,
	"district" smallint,
	"owner_id" text NOT NULL,
	"review_on" date,
	"published" boolean DEFAULT false NOT NULL,
	"citizen_facing" boolean DEFAULT false NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_by" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_articles_category_check" CHECK ("knowledge_articles"."category" in ('cleaning_waste', 'streets_lighting', 'parks_trees', 'building_violations', 'traffic_transport', 'other', 'staff_complaint')),
	CONSTRAINT "knowledge_articles_title_check" CHECK (length("knowledge_articles"."title") between 1 and 200)
);
--> statement-breakpoint
CREATE TABLE "knowledge_votes" (
	"article_id" uuid NOT NULL,
	"call_id" uuid NOT NULL,
	"agent_id" text NOT NULL,
	"useful" boolean NOT NULL,
	"voted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "knowledge_votes_pk" PRIMARY KEY("article_id","agent_id","call_id")
);
--> statement-breakpoint
CREATE TABLE "call_articles" (
	"call_id" uuid NOT NULL,
	"article_id" uuid NOT NULL,
	"agent_id" text NOT NULL,
	"used_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "call_articles_pk" PRIMARY KEY("call_id","article_id")
);
--> statement-breakpoint
ALTER TABLE "call_articles" ADD CONSTRAINT "call_articles_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "call_articles" ADD CONSTRAINT "call_articles_article_id_knowledge_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."knowledge_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_articles" ADD CONSTRAINT "knowledge_articles_district_districts_id_fk" FOREIGN KEY ("district") REFERENCES "public"."districts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_votes" ADD CONSTRAINT "knowledge_votes_article_id_knowledge_articles_id_fk" FOREIGN KEY ("article_id") REFERENCES "public"."knowledge_articles"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "knowledge_votes" ADD CONSTRAINT "knowledge_votes_call_id_calls_id_fk" FOREIGN KEY ("call_id") REFERENCES "public"."calls"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "call_articles_article_id_idx" ON "call_articles" USING btree ("article_id");--> statement-breakpoint
CREATE INDEX "knowledge_articles_category_idx" ON "knowledge_articles" USING btree ("category","district");
