ALTER TABLE "sell_through_lines" ADD COLUMN "price_violation" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sell_through_lines" ADD COLUMN "min_resale_price" numeric(18, 4);