-- pg_dump --no-owner --no-privileges --inserts of the orders database written by commit 217d700 (PostgreSQL 15).
-- The psql meta-commands \restrict and \unrestrict were removed so Npgsql can run this file as is.
--
-- PostgreSQL database dump
--


-- Dumped from database version 15.18 (Debian 15.18-0+deb12u1)
-- Dumped by pg_dump version 15.18 (Debian 15.18-0+deb12u1)

SET statement_timeout = 0;
SET lock_timeout = 0;
SET idle_in_transaction_session_timeout = 0;
SET client_encoding = 'UTF8';
SET standard_conforming_strings = on;
SELECT pg_catalog.set_config('search_path', '', false);
SET check_function_bodies = false;
SET xmloption = content;
SET client_min_messages = warning;
SET row_security = off;

SET default_tablespace = '';

SET default_table_access_method = heap;

--
-- Name: catalog_items; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.catalog_items (
    sku text NOT NULL,
    name text NOT NULL,
    currency_code text NOT NULL,
    unit_price_minor bigint NOT NULL,
    available bigint NOT NULL,
    reserved bigint NOT NULL,
    sequence bigint NOT NULL
);


--
-- Name: consumer_cursors; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.consumer_cursors (
    consumer text NOT NULL,
    sequence bigint NOT NULL,
    update_time_ms bigint NOT NULL,
    CONSTRAINT consumer_cursors_sequence_check CHECK ((sequence >= 0))
);


--
-- Name: event_log_retention; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.event_log_retention (
    log text NOT NULL,
    pruned_through bigint NOT NULL
);


--
-- Name: order_lines; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.order_lines (
    order_id text NOT NULL,
    line_no bigint NOT NULL,
    sku text NOT NULL,
    quantity bigint NOT NULL,
    name text,
    unit_price_minor bigint,
    line_total_minor bigint,
    CONSTRAINT order_lines_quantity_check CHECK ((quantity > 0))
);


--
-- Name: orders; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orders (
    sequence bigint NOT NULL,
    order_id text NOT NULL,
    request_id text NOT NULL,
    request_hash text NOT NULL,
    user_id text NOT NULL,
    state text NOT NULL,
    currency_code text,
    total_minor bigint,
    reason text NOT NULL,
    rejection_status bytea,
    create_time_ms bigint NOT NULL,
    update_time_ms bigint NOT NULL,
    CONSTRAINT orders_state_check CHECK ((state = ANY (ARRAY['pending'::text, 'confirmed'::text, 'cancelled'::text, 'rejected'::text])))
);


--
-- Name: orders_events; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.orders_events (
    sequence bigint NOT NULL,
    filter_key text NOT NULL,
    payload bytea NOT NULL,
    occur_time_ms bigint NOT NULL
);


--
-- Name: orders_events_sequence_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.orders_events ALTER COLUMN sequence ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.orders_events_sequence_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: orders_sequence_seq; Type: SEQUENCE; Schema: public; Owner: -
--

ALTER TABLE public.orders ALTER COLUMN sequence ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME public.orders_sequence_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);


--
-- Name: schema_migrations; Type: TABLE; Schema: public; Owner: -
--

CREATE TABLE public.schema_migrations (
    version integer NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);


--
-- Data for Name: catalog_items; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.catalog_items VALUES ('MESH-STICKER', 'Mesh Sticker Pack', 'USD', 300, 500, 0, 3);
INSERT INTO public.catalog_items VALUES ('MESH-HOODIE', 'Mesh Hoodie', 'USD', 4500, 20, 0, 4);
INSERT INTO public.catalog_items VALUES ('MESH-MUG', 'Mesh Mug', 'USD', 1200, 98, 0, 10);
INSERT INTO public.catalog_items VALUES ('COMPAT-LAMP', 'Compat Desk Lamp', 'USD', 3500, 14, 0, 11);
INSERT INTO public.catalog_items VALUES ('MESH-TEE', 'Mesh T-Shirt', 'USD', 2000, 50, 0, 14);


--
-- Data for Name: consumer_cursors; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.consumer_cursors VALUES ('inventory-catalog', 14, 1796504378849);


--
-- Data for Name: event_log_retention; Type: TABLE DATA; Schema: public; Owner: -
--



--
-- Data for Name: order_lines; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.order_lines VALUES ('01a24801-544a-7a2b-94d8-6e7fa62a81b2', 0, 'MESH-MUG', 2, 'Mesh Mug', 1200, 2400);
INSERT INTO public.order_lines VALUES ('01a24801-544a-7a2b-94d8-6e7fa62a81b2', 1, 'COMPAT-LAMP', 1, 'Compat Desk Lamp', 3500, 3500);
INSERT INTO public.order_lines VALUES ('01a24801-5a9d-7508-a2a0-92a5c84c3b22', 0, 'MESH-TEE', 1, 'Mesh T-Shirt', 2000, 2000);
INSERT INTO public.order_lines VALUES ('01a24801-61fb-7c13-8d92-aab196759144', 0, 'MESH-HOODIE', 1000, NULL, NULL, NULL);


--
-- Data for Name: orders; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.orders OVERRIDING SYSTEM VALUE VALUES (1, '01a24801-544a-7a2b-94d8-6e7fa62a81b2', 'c0a7f1c5-0000-4000-8000-000000000004', '0be61426259be5a34040ebceecabf9e1a213ac3bc201e0e1a14f7589f9ce013b', '01a24801-30c5-7ae1-9a41-5d8cf8c9e2ec', 'confirmed', 'USD', 5900, '', NULL, 1796504376395, 1796504376926);
INSERT INTO public.orders OVERRIDING SYSTEM VALUE VALUES (2, '01a24801-5a9d-7508-a2a0-92a5c84c3b22', 'c0a7f1c5-0000-4000-8000-000000000005', '32d15a085bb939230bebd47f566cef68c923a3abae6b58d69705cbc91066f714', '01a24801-3cd9-7622-a8be-4bf0f284e0b8', 'cancelled', 'USD', 2000, 'changed my mind', NULL, 1796504378013, 1796504378852);
INSERT INTO public.orders OVERRIDING SYSTEM VALUE VALUES (3, '01a24801-61fb-7c13-8d92-aab196759144', 'c0a7f1c5-0000-4000-8000-000000000006', 'd5d78dc5e502cfe3185b4abb25e8b165529f6e015ca25b2a3486c6ac11f425f0', '01a24801-3cd9-7622-a8be-4bf0f284e0b8', 'rejected', NULL, NULL, 'not enough stock to place the order: not enough stock of ''MESH-HOODIE'': requested 1000, available 20', '\x080912646e6f7420656e6f7567682073746f636b20746f20706c61636520746865206f726465723a206e6f7420656e6f7567682073746f636b206f6620274d4553482d484f4f444945273a2072657175657374656420313030302c20617661696c61626c652032301a4a0a28747970652e676f6f676c65617069732e636f6d2f676f6f676c652e7270632e4572726f72496e666f121e0a12494e53554646494349454e545f53544f434b12086d6573682e6465761a6e0a32747970652e676f6f676c65617069732e636f6d2f676f6f676c652e7270632e507265636f6e646974696f6e4661696c75726512380a360a0553544f434b120f736b753a4d4553482d484f4f4449451a1c72657175657374656420313030302c20617661696c61626c65203230', 1796504379899, 1796504379982);


--
-- Data for Name: orders_events; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.orders_events OVERRIDING SYSTEM VALUE VALUES (1, '01a24801-30c5-7ae1-9a41-5d8cf8c9e2ec', '\x10011afd010a2430316132343830312d353434612d376132622d393464382d366537666136326138316232122430316132343830312d333063352d376165312d396134312d3564386366386339653265631a2a0a084d4553482d4d554712084d657368204d7567180222080a0355534410b0092a080a0355534410e0121a350a0b434f4d5041542d4c414d501210436f6d706174204465736b204c616d70180122080a0355534410ac1b2a080a0355534410ac1b22080a03555344108c2e2801322463306137663163352d303030302d343030302d383030302d303030303030303030303034420c08b8f6d1d80610c0f1acbc014a0c08b8f6d1d8061080fec7fb02220c08b8f6d1d8061080fec7fb02', 1796504376796);
INSERT INTO public.orders_events OVERRIDING SYSTEM VALUE VALUES (2, '01a24801-30c5-7ae1-9a41-5d8cf8c9e2ec', '\x10021afd010a2430316132343830312d353434612d376132622d393464382d366537666136326138316232122430316132343830312d333063352d376165312d396134312d3564386366386339653265631a2a0a084d4553482d4d554712084d657368204d7567180222080a0355534410b0092a080a0355534410e0121a350a0b434f4d5041542d4c414d501210436f6d706174204465736b204c616d70180122080a0355534410ac1b2a080a0355534410ac1b22080a03555344108c2e2802322463306137663163352d303030302d343030302d383030302d303030303030303030303034420c08b8f6d1d80610c0f1acbc014a0c08b8f6d1d8061080c7c6b903220c08b8f6d1d8061080c7c6b903', 1796504376926);
INSERT INTO public.orders_events OVERRIDING SYSTEM VALUE VALUES (3, '01a24801-3cd9-7622-a8be-4bf0f284e0b8', '\x10011ac8010a2430316132343830312d356139642d373530382d613261302d393261356338346333623232122430316132343830312d336364392d373632322d613862652d3462663066323834653062381a2e0a084d4553482d544545120c4d65736820542d5368697274180122080a0355534410d00f2a080a0355534410d00f22080a0355534410d00f2801322463306137663163352d303030302d343030302d383030302d303030303030303030303035420b08baf6d1d80610c0ba99064a0b08baf6d1d8061080fcd91a220b08baf6d1d8061080fcd91a', 1796504378056);
INSERT INTO public.orders_events OVERRIDING SYSTEM VALUE VALUES (4, '01a24801-3cd9-7622-a8be-4bf0f284e0b8', '\x10021ac8010a2430316132343830312d356139642d373530382d613261302d393261356338346333623232122430316132343830312d336364392d373632322d613862652d3462663066323834653062381a2e0a084d4553482d544545120c4d65736820542d5368697274180122080a0355534410d00f2a080a0355534410d00f22080a0355534410d00f2802322463306137663163352d303030302d343030302d383030302d303030303030303030303035420b08baf6d1d80610c0ba99064a0b08baf6d1d8061080ddc532220b08baf6d1d8061080ddc532', 1796504378106);
INSERT INTO public.orders_events OVERRIDING SYSTEM VALUE VALUES (5, '01a24801-3cd9-7622-a8be-4bf0f284e0b8', '\x10031ada010a2430316132343830312d356139642d373530382d613261302d393261356338346333623232122430316132343830312d336364392d373632322d613862652d3462663066323834653062381a2e0a084d4553482d544545120c4d65736820542d5368697274180122080a0355534410d00f2a080a0355534410d00f22080a0355534410d00f2803322463306137663163352d303030302d343030302d383030302d3030303030303030303030353a0f6368616e676564206d79206d696e64420b08baf6d1d80610c0ba99064a0c08baf6d1d8061080faa19603220c08baf6d1d8061080faa19603', 1796504378852);
INSERT INTO public.orders_events OVERRIDING SYSTEM VALUE VALUES (6, '01a24801-3cd9-7622-a8be-4bf0f284e0b8', '\x10041a88020a2430316132343830312d363166622d376331332d386439322d616162313936373539313434122430316132343830312d336364392d373632322d613862652d3462663066323834653062381a100a0b4d4553482d484f4f44494518e8072804322463306137663163352d303030302d343030302d383030302d3030303030303030303030363a646e6f7420656e6f7567682073746f636b20746f20706c61636520746865206f726465723a206e6f7420656e6f7567682073746f636b206f6620274d4553482d484f4f444945273a2072657175657374656420313030302c20617661696c61626c65203230420c08bbf6d1d80610c0cdd6ac034a0c08bbf6d1d8061080c3a0d403220c08bbf6d1d8061080c3a0d403', 1796504379982);


--
-- Data for Name: schema_migrations; Type: TABLE DATA; Schema: public; Owner: -
--

INSERT INTO public.schema_migrations VALUES (1, '2026-12-05 20:59:23.926185+00');
INSERT INTO public.schema_migrations VALUES (2, '2026-12-05 20:59:23.984265+00');
INSERT INTO public.schema_migrations VALUES (3, '2026-12-05 20:59:24.005174+00');


--
-- Name: orders_events_sequence_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.orders_events_sequence_seq', 6, true);


--
-- Name: orders_sequence_seq; Type: SEQUENCE SET; Schema: public; Owner: -
--

SELECT pg_catalog.setval('public.orders_sequence_seq', 3, true);


--
-- Name: catalog_items catalog_items_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.catalog_items
    ADD CONSTRAINT catalog_items_pkey PRIMARY KEY (sku);


--
-- Name: consumer_cursors consumer_cursors_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.consumer_cursors
    ADD CONSTRAINT consumer_cursors_pkey PRIMARY KEY (consumer);


--
-- Name: event_log_retention event_log_retention_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.event_log_retention
    ADD CONSTRAINT event_log_retention_pkey PRIMARY KEY (log);


--
-- Name: order_lines order_lines_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_lines
    ADD CONSTRAINT order_lines_pkey PRIMARY KEY (order_id, line_no);


--
-- Name: orders_events orders_events_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders_events
    ADD CONSTRAINT orders_events_pkey PRIMARY KEY (sequence);


--
-- Name: orders orders_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.orders
    ADD CONSTRAINT orders_pkey PRIMARY KEY (sequence);


--
-- Name: schema_migrations schema_migrations_pkey; Type: CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);


--
-- Name: orders_events_by_filter; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX orders_events_by_filter ON public.orders_events USING btree (filter_key, sequence);


--
-- Name: orders_order_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX orders_order_id ON public.orders USING btree (order_id);


--
-- Name: orders_pending_create_time; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX orders_pending_create_time ON public.orders USING btree (create_time_ms) WHERE (state = 'pending'::text);


--
-- Name: orders_request_id; Type: INDEX; Schema: public; Owner: -
--

CREATE UNIQUE INDEX orders_request_id ON public.orders USING btree (request_id);


--
-- Name: orders_user_sequence; Type: INDEX; Schema: public; Owner: -
--

CREATE INDEX orders_user_sequence ON public.orders USING btree (user_id, sequence);


--
-- Name: order_lines order_lines_order_id_fkey; Type: FK CONSTRAINT; Schema: public; Owner: -
--

ALTER TABLE ONLY public.order_lines
    ADD CONSTRAINT order_lines_order_id_fkey FOREIGN KEY (order_id) REFERENCES public.orders(order_id);


--
-- PostgreSQL database dump complete
--


